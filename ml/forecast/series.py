"""Daily price series from silver mandi prices: one per mandi x commodity, on a full calendar."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pandas as pd

# A modal price outside this range is not a price (Rs/quintal; saffron, the dearest crop traded, is far below)
PLAUSIBLE_RS_PER_QTL = (1.0, 500_000.0)
# A price this many times above or below the median of the month before it is a typing slip (a digit or
# a unit wrong), not a market move: the December 2019 onion crisis tripled prices within weeks, so real
# moves stay inside this ratio.
SLIP_RATIO = 4.0


def daily_series(prices: pd.DataFrame) -> pd.DataFrame:
    """prices: mandi_key, commodity, arrival_date, modal_price_rs_per_qtl, arrivals_tonnes (several varieties
    allowed). Returns series_id, ds, y (arrivals-weighted modal price of the day to the paisa, NaN when not
    traded), arrivals, on every calendar day between a series' first and last price."""
    lo, hi = PLAUSIBLE_RS_PER_QTL
    p = prices[prices["modal_price_rs_per_qtl"].between(lo, hi)].copy()
    p["series_id"] = p["mandi_key"].astype(str) + "|" + p["commodity"].astype(str)
    p["w"] = p["arrivals_tonnes"].fillna(0).clip(lower=0) + 1e-6
    p["wy"] = p["w"] * p["modal_price_rs_per_qtl"]
    day = p.groupby(["series_id", "arrival_date"], as_index=False).agg(wy=("wy", "sum"), w=("w", "sum"),
                                                                       arrivals=("arrivals_tonnes", "sum"))
    # rounded to the paisa: the weighting's float noise (1000 -> 1000.0000000000001) must not make a
    # constant series look as if it moved
    day["y"] = (day["wy"] / day["w"]).round(2)
    day["ds"] = pd.to_datetime(day["arrival_date"])
    out = []
    for sid, g in day.groupby("series_id", sort=True):
        full = pd.date_range(g["ds"].min(), g["ds"].max(), freq="D")
        g = g.set_index("ds").reindex(full)
        out.append(pd.DataFrame({"series_id": sid, "ds": full, "y": g["y"].to_numpy(), "arrivals": g["arrivals"].to_numpy()}))
    if not out:
        return pd.DataFrame({"series_id": pd.Series(dtype=str), "ds": pd.Series(dtype="datetime64[ns]"),
                             "y": pd.Series(dtype=float), "arrivals": pd.Series(dtype=float)})
    return pd.concat(out, ignore_index=True)


def wholesale_onion_series(path: str | Path) -> pd.DataFrame:
    """A real Agmarknet monthly wholesale file (tests/fixtures/real; .gz allowed) as series, through the
    bronze parser."""
    import datetime as dt

    from ingestion.parsers import agmarknet

    data = Path(path).read_bytes()
    if str(path).endswith(".gz"):
        data = gzip.decompress(data)
    parsed = agmarknet.parse(data, "onion__wholesale.csv", dt.date(2030, 1, 1))
    t = parsed.tables[agmarknet.TARGET].to_pandas()
    t = t.rename(columns={"market": "mandi_key"})
    # The monthly files repeat a few (mandi, day) rows: the daily mean of the modal price is used.
    t["arrivals_tonnes"] = t["arrivals_tonnes"].fillna(0)
    return daily_series(t)


def observed(series: pd.DataFrame) -> np.ndarray:
    return series["y"].notna().to_numpy()


def drop_outliers(series: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Blank the typing slips: prices SLIP_RATIO times above or below the median of the 31 days BEFORE
    them (the past only, so a backtest never looks past its cutoff). Spikes and crashes inside that ratio
    are real events and stay: they are what farmers most need forecast."""
    med = series.groupby("series_id")["y"].transform(lambda y: y.shift(1).rolling(31, min_periods=7).median())
    ratio = series["y"] / med
    out = ratio.notna() & ((ratio > SLIP_RATIO) | (ratio < 1 / SLIP_RATIO))
    return series.assign(y=series["y"].where(~out)), int(out.sum())
