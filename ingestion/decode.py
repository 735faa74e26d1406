"""Bytes of a landing file -> text, decoded once and the same way for every source.

The encoding is read from the bytes: a UTF-8 or UTF-16 byte-order mark, UTF-16 without one (NULs
at every other byte), else UTF-8. Content that is mostly NULs, control bytes or invalid UTF-8 is
binary, and the file is rejected. Line ends are LF, CRLF or a bare CR. In line-oriented files one
bad line is rejected alone, with its number and why: a line that is not valid UTF-8 (say, edited
in a Windows-1252 editor), holds a NUL byte, or is longer than a record can be. A JSON document
cannot be split by lines: there, invalid bytes become U+FFFD, and the records whose used fields
hold one are quarantined when they are typed (`ParsedFile.accept`), not the whole file.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass

import numpy as np

from ingestion import native
from ingestion.parsed import FileRejected

MAX_LINE_BYTES = 64 * 1024  # no record of any source comes near this; a longer line is a broken one
SAMPLE_BYTES = 4096
BINARY_SHARE = 0.10  # of the first 4 KiB: NULs, control bytes or invalid UTF-8 above this share = binary
MAX_JSON_DEPTH = 64  # the deepest payload we land nests 6 levels


@dataclass
class Cleaned:
    """UTF-8 text with LF line ends, holding only the lines that decoded; `line_no` maps each kept
    line to its number in the file (None when every line was kept)."""

    data: bytes
    line_no: np.ndarray | None
    bad: list[tuple[int, str, str]]  # (line number, reason, the line as text)


def _utf16_without_bom(sample: bytes) -> str | None:
    half = len(sample) // 2
    if half < 2:
        return None
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def utf8(data: bytes, name: str) -> bytes:
    """The file as UTF-8 without a byte-order mark (UTF-16 transcoded); FileRejected if empty or binary."""
    if not data:
        raise FileRejected(f"{name}: empty file (0 bytes)")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    else:
        encoding = ("utf-16-le" if data.startswith(codecs.BOM_UTF16_LE) else
                    "utf-16-be" if data.startswith(codecs.BOM_UTF16_BE) else _utf16_without_bom(data[:SAMPLE_BYTES]))
        if encoding:
            start = 2 if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else 0
            # a stray odd byte or a lone surrogate becomes U+FFFD: that line is rejected, not the file
            data = data[start:].decode(encoding, errors="replace").encode("utf-8")
    sample = data[:SAMPLE_BYTES].decode("utf-8", errors="replace")
    if sample:
        odd = sum(1 for c in sample if c == "\ufffd" or (c < " " and c not in "\t\n\r"))
        if odd > BINARY_SHARE * len(sample):
            raise FileRejected(f"{name}: binary content ({odd} of the first {len(sample)} characters are NUL, control "
                               "bytes or invalid UTF-8), not a text export")
    return data


def clean(data: bytes, name: str) -> Cleaned:
    """Decode a line-oriented file (CSV, line protocol): bad lines are set aside with their reasons."""
    data = utf8(data, name)
    compiled = native.module()
    if compiled is not None and compiled.text_ok(data, MAX_LINE_BYTES):  # one pass instead of five
        return Cleaned(data, None, [])
    if b"\r" in data:
        data = data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    buf = np.frombuffer(data, np.uint8)
    ends = np.flatnonzero(buf == 10)
    longest = int(np.diff(np.concatenate([[-1], ends, [len(buf)]])).max()) - 1
    if longest <= MAX_LINE_BYTES and b"\x00" not in data:
        try:
            if not data.isascii():
                data.decode("utf-8")
            return Cleaned(data, None, [])
        except UnicodeDecodeError:
            pass
    good, numbers, bad = [], [], []
    for i, raw in enumerate(data.split(b"\n"), 1):
        reason = None
        if len(raw) > MAX_LINE_BYTES:
            reason = f"line of {len(raw):,} bytes, longer than the {MAX_LINE_BYTES // 1024} KiB a record may have"
        elif b"\x00" in raw:
            reason = f"line holds a NUL byte at column {raw.index(0) + 1} (binary data, not text)"
        else:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                reason = f"line is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"
        if reason is None:
            good.append(raw)
            numbers.append(i)
        else:
            bad.append((i, reason, raw[:2000].decode("utf-8", errors="backslashreplace").replace("\x00", "\\x00")))
    return Cleaned(b"\n".join(good) + (b"\n" if good else b""), np.array(numbers, dtype=np.int64), bad)


def decode_lines(data: bytes, name: str) -> tuple[list[tuple[int, str]], list[tuple[int, str, str]]]:
    """Return ([(line_no, text)] of non-empty lines, [(line_no, reason, raw)] of rejected ones)."""
    c = clean(data, name)
    lines = c.data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    numbers = c.line_no if c.line_no is not None else range(1, len(lines) + 1)
    return [(int(n), ln) for n, ln in zip(numbers, lines) if ln.strip()], c.bad


def _text(value):
    """A lone surrogate (a JSON escape such as \\ud800 with no pair) becomes U+FFFD, like any other byte
    that is not text: Arrow cannot store it, and the record that uses it is quarantined for it."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace") if not value.isascii() else value
    if isinstance(value, list):
        return [_text(v) for v in value]
    return value


def _object(pairs: list[tuple[str, object]]) -> dict:
    return {_text(k): _text(v) for k, v in pairs}


def _number(text: str):
    """A JSON integer past int64 stays its text (typed later, with a reason) instead of Python's 4,300-digit error."""
    return int(text) if len(text) <= 18 else text


def load_json(data: bytes, name: str):
    """Decode and parse a JSON document; FileRejected naming what is wrong (encoding, syntax, depth)."""
    text = utf8(data, name).decode("utf-8", errors="replace")
    if not text.strip():
        raise FileRejected(f"{name}: empty file (only whitespace)")
    depth = _max_depth(text)
    if depth > MAX_JSON_DEPTH:
        raise FileRejected(f"{name}: JSON nested {depth:,} levels deep (more than {MAX_JSON_DEPTH}): not a payload we land")
    try:
        # strict=False: a control character inside a string is the record's problem, not the file's
        return _text(json.loads(text, strict=False, parse_int=_number, object_pairs_hook=_object))
    except json.JSONDecodeError as exc:
        raise FileRejected(f"{name}: invalid JSON (truncated?) at line {exc.lineno} column {exc.colno}: {exc.msg}") from exc


def _max_depth(text: str) -> int:
    """Deepest nesting of [ and { outside strings, counted without recursion whatever the input."""
    if text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return 0
    bare = np.frombuffer(_STRING.sub("", text).encode("utf-8", errors="replace"), np.uint8)
    step = (np.isin(bare, _OPEN).astype(np.int64) - np.isin(bare, _CLOSE).astype(np.int64))
    return int(np.cumsum(step).max()) if len(step) else 0


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.S)
_OPEN, _CLOSE = np.array([ord("["), ord("{")], np.uint8), np.array([ord("]"), ord("}")], np.uint8)
