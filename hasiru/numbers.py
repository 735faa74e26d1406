"""Numbers as people in India read them: digits grouped in lakhs and crores (3,590; 1,25,000; 12,34,567.5)."""

from __future__ import annotations


def grouped(amount: float, decimals: int = 0) -> str:
    """`amount` rounded to `decimals` places, its whole part grouped the Indian way: 125000 -> 1,25,000."""
    text = f"{amount:.{decimals}f}"
    sign, text = ("-", text[1:]) if text.startswith("-") else ("", text)
    whole, _, frac = text.partition(".")
    head, tail = whole[:-3], whole[-3:]
    groups = [head[max(0, i - 2):i] for i in range(len(head), 0, -2)][::-1]
    out = ",".join(groups + [tail]) if head else tail
    return sign + out + (f".{frac}" if frac else "")
