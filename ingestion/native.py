"""The compiled helpers in native/ (Rust, pyo3): the line-protocol tokenizer, the text check, the row-hash table.

Set-up builds them where cargo is installed (scripts/setup.sh). Without them, or with HASIRU_NATIVE=0,
the same files are parsed by the vectorised Python path, to the same rows and the same rejects
(tests/test_parser_line_protocol.py holds both to that); only slower.
"""

from __future__ import annotations

from hasiru.config import env

try:
    import hasiru_native as _compiled
except ImportError:  # not built: cargo missing at set-up
    _compiled = None


def module():
    """The compiled module, or None (not built, or switched off with HASIRU_NATIVE=0)."""
    if env("HASIRU_NATIVE") == "0":
        return None
    return _compiled
