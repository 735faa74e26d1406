"""Daily price series from silver mandi prices: one per mandi x commodity, on a full calendar."""

from __future__ import annotations

import numpy as np
import pandas as pd


def daily_series(prices: pd.DataFrame) -> pd.DataFrame:
    """prices: mandi_key, commodity, arrival_date, modal_price_rs_per_qtl, arrivals_tonnes (several varieties
    allowed). Returns series_id, ds, y (arrivals-weighted modal price of the day, NaN when not traded),
    arrivals, on every calendar day between a series' first and last price."""
    p = prices.dropna(subset=["modal_price_rs_per_qtl"]).copy()
    p["series_id"] = p["mandi_key"].astype(str) + "|" + p["commodity"].astype(str)
    p["w"] = p["arrivals_tonnes"].fillna(0).clip(lower=0) + 1e-6
    p["wy"] = p["w"] * p["modal_price_rs_per_qtl"]
    day = p.groupby(["series_id", "arrival_date"], as_index=False).agg(wy=("wy", "sum"), w=("w", "sum"),
                                                                       arrivals=("arrivals_tonnes", "sum"))
    day["y"] = day["wy"] / day["w"]
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


def wholesale_onion_series(path) -> pd.DataFrame:
    """The real Agmarknet monthly wholesale slice (tests/fixtures/real) as series, through the bronze parser."""
    import datetime as dt

    from ingestion.parsers import agmarknet

    parsed = agmarknet.parse(open(path, "rb").read(), "onion__wholesale.csv", dt.date(2030, 1, 1))
    t = parsed.tables[agmarknet.TARGET].to_pandas()
    t = t.rename(columns={"market": "mandi_key"})
    # The monthly files repeat a few (mandi, day) rows: the daily mean of the modal price is used.
    t["arrivals_tonnes"] = t["arrivals_tonnes"].fillna(0)
    return daily_series(t)


def observed(series: pd.DataFrame) -> np.ndarray:
    return series["y"].notna().to_numpy()


OUTLIER_RATIO = 1.5  # the same rule as gold.fct_mandi_prices_daily.is_outlier


def drop_outliers(series: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Blank the prices 50 % above, or a third below, the median of the 31 days around them: a typing
    slip or a one-day glut must not become a forecast. They are neither fitted nor scored."""
    med = series.groupby("series_id")["y"].transform(lambda y: y.rolling(31, center=True, min_periods=7).median())
    ratio = series["y"] / med
    out = ratio.notna() & ((ratio > OUTLIER_RATIO) | (ratio < 1 / OUTLIER_RATIO))
    return series.assign(y=series["y"].where(~out)), int(out.sum())
