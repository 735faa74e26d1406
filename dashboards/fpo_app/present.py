"""What a page shows, in its reader's language: data codes as words (crops, seasons, statuses, reasons),
column headers translated, dates as dates (no 00:00:00), numbers grouped the Indian way, and a dash
where a value is missing (never "None" or "nan")."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import pandas as pd

from dashboards.fpo_app.labels import COLUMNS, LABELS, VALUES
from hasiru.numbers import grouped
from sms import templates

MISSING = "–"
# decimals a column's numbers are shown with (others: integer columns whole, fractional columns with one)
DECIMALS = {"battery_v": 2, "precision_pct": 0, "recall_pct": 0, "distance_km": 1}


@functools.lru_cache(maxsize=None)
def _terms(language: str) -> templates.TemplateSet:
    return templates.load(language)


@dataclass(frozen=True)
class Words:
    """One language's words for the app: its labels (`L`), headers and the data's codes."""
    language: str

    @property
    def L(self) -> dict:  # noqa: N802 - the pages' short name for their labels
        return LABELS[self.language]

    def crop(self, key: str) -> str:
        """A crop as the farmers' SMS names it."""
        terms = _terms(self.language).terms["crop"]
        return terms.get(key) or key.replace("_", " ").capitalize()

    def crops(self, keys: str | None) -> str:
        """A comma-separated list of crop keys (a member's current crops), each as a word."""
        return ", ".join(self.crop(k.strip()) for k in keys.split(",")) if keys else MISSING

    def value(self, kind: str, code) -> str:
        if code is None or (isinstance(code, float) and code != code):
            return MISSING
        if kind == "crop":
            return self.crop(code)
        if kind == "crops":
            return self.crops(code)
        if kind == "advisory_type" and str(code).startswith("pest_risk_") and code != "pest_risk_model":
            threat = str(code).removeprefix("pest_risk_")
            name = _terms(self.language).terms["threat"].get(threat, threat.replace("_", " "))
            return VALUES[self.language]["advisory_type"]["pest_risk"].format(threat=name)
        if kind == "check":
            return self.L["checks"].get(code, code)
        return VALUES[self.language][kind].get(code, str(code))

    def column(self, name: str) -> str:
        return COLUMNS[self.language].get(name, name)


def day(value) -> str:
    """A date as Indian readers write it: 24/11/2026."""
    return value.strftime("%d/%m/%Y")


def _cell(value, decimals: int) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return MISSING
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, pd.Timestamp | dt.datetime):
        return day(value) if (value.hour, value.minute, value.second) == (0, 0, 0) else value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return day(value)
    if isinstance(value, int):
        return grouped(value)
    if isinstance(value, float):
        return grouped(value, decimals)
    return str(value)


def table(frame: pd.DataFrame, words: Words, kinds: dict[str, str] | None = None) -> pd.DataFrame:
    """`frame` as the page shows it: the columns in `kinds` translated as that kind of code, every cell text,
    the headers in the reader's language."""
    kinds = kinds or {}
    shown = {}
    for col in frame.columns:
        values = frame[col].astype(object).tolist()
        if col in kinds:
            kind = kinds[col]
            shown[words.column(col)] = [words.value(kind, v) if kind != "yes_no" or v is None else VALUES[words.language]["yes_no"][bool(v)]
                                        for v in values]
        else:
            decimals = DECIMALS.get(col, 1 if pd.api.types.is_float_dtype(frame[col]) else 0)
            shown[words.column(col)] = [_cell(v, decimals) for v in values]
    return pd.DataFrame(shown)
