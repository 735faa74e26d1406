"""How many SMS segments a text costs, by the GSM 03.38 rules operators bill by.

GSM-7: 160 septets in one SMS, 153 per part once concatenated (the user-data header takes 7); the
extension-table characters (^ { } [ ] ~ \\ | € and form feed) are sent as ESC + char and cost two
septets, and an ESC pair is never split across parts. As soon as one character is outside the GSM-7
tables the whole message is UCS-2: 70 UTF-16 code units in one SMS, 67 per part, and a surrogate
pair is never split. Kannada and Hindi are always UCS-2.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

SINGLE = {"GSM-7": 160, "UCS-2": 70}
PART = {"GSM-7": 153, "UCS-2": 67}


@dataclass(frozen=True)
class SegmentCount:
    encoding: str  # "GSM-7" or "UCS-2"
    units: int  # septets (GSM-7) or UTF-16 code units (UCS-2)
    segments: int


def encoding(text: str) -> str:
    return "GSM-7" if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text) else "UCS-2"


def _units(text: str, enc: str) -> list[int]:
    """The cost of each character in the encoding's units."""
    if enc == "GSM-7":
        return [2 if c in GSM7_EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def count(text: str) -> SegmentCount:
    enc = encoding(text)
    units = _units(text, enc)
    total = sum(units)
    if total == 0:
        return SegmentCount(enc, 0, 0)
    if total <= SINGLE[enc]:
        return SegmentCount(enc, total, 1)
    # Concatenated: fill each part without splitting a two-unit character (ESC pair or surrogate pair).
    parts, used = 1, 0
    for u in units:
        if used + u > PART[enc]:
            parts, used = parts + 1, 0
        used += u
    return SegmentCount(enc, total, parts)


def segments(text: str) -> int:
    return count(text).segments
