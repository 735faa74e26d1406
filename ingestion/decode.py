"""Bytes of a landing file -> numbered text lines; lines that are not valid text are rejects, not crashes."""

from __future__ import annotations

import codecs

from ingestion.parsed import FileRejected


def decode_lines(data: bytes, name: str) -> tuple[list[tuple[int, str]], list[tuple[int, str, str]]]:
    """Return ([(line_no, text)], [(line_no, reason, raw)]) for non-empty lines.

    UTF-8 (with or without BOM) and UTF-16 with a BOM are accepted; in UTF-8 files a line that is
    not valid UTF-8 (say, one edited in a Windows-1252 editor) is rejected alone."""
    if not data:
        raise FileRejected(f"{name}: empty file (0 bytes)")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise FileRejected(f"{name}: UTF-16 file with invalid bytes at {exc.start}") from exc
        raw_lines = [(i, ln.encode("utf-8")) for i, ln in enumerate(text.splitlines(), 1)]
    else:
        if data.startswith(codecs.BOM_UTF8):
            data = data[len(codecs.BOM_UTF8):]
        if b"\x00" in data[:4096]:
            raise FileRejected(f"{name}: binary content (NUL bytes), not a text export")
        try:  # fast path: the whole file is valid UTF-8
            return [(i, ln) for i, ln in enumerate(data.decode("utf-8").splitlines(), 1) if ln.strip()], []
        except UnicodeDecodeError:
            raw_lines = list(enumerate(data.splitlines(), 1))
    good, bad = [], []
    for i, raw in raw_lines:
        try:
            line = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad.append((i, f"line is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})",
                        raw.decode("utf-8", errors="backslashreplace")))
            continue
        if line.strip():
            good.append((i, line))
    return good, bad
