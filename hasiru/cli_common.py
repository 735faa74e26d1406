"""Option parsing shared by the command modules."""

from __future__ import annotations

import datetime as dt

import click


def date_option(ctx, param, value):
    """click callback: YYYY-MM-DD -> date (None stays None)."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None
