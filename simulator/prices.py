"""Daily mandi prices and arrivals per mandi x commodity: seasonality, the arrival-price relation,
persistent noise and shocks; written as Agmarknet exports (one file per commodity per day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from simulator.formats import agmarknet_export
from simulator.geography import BANGALORE_FV_MARKET, COMMODITIES, CROPS_BY_REGION, FRUIT_AND_VEG, geography
from simulator.rng import rng_for


@dataclass
class PriceSeries:
    mandi: np.ndarray  # index into geography().mandis
    commodity: np.ndarray  # commodity key
    level: np.ndarray  # mandi-specific price level factor
    size: np.ndarray  # mandi-specific arrivals factor
    noise: np.ndarray  # AR(1) log-price state
    shock: np.ndarray  # decaying log-price shock


def price_series(seed: int) -> PriceSeries:
    """Which mandi trades which commodities: what its region grows, and F&V at the larger markets."""
    geo = geography()
    region_of = {d["district"]: d["agro_region"] for d in geo.districts}
    r = rng_for(seed, "price-series")
    mandi, commodity = [], []
    for i, m in enumerate(geo.mandis):
        grown = {c for season in CROPS_BY_REGION[region_of[m["district"]]].values() for c in season}
        traded = grown | ({"onion", "tomato", "potato"} if r.random() < 0.6 else set())
        for c in sorted(traded):
            mandi.append(i)
            commodity.append(c)
    n = len(mandi)
    return PriceSeries(np.array(mandi), np.array(commodity), np.exp(r.normal(0, 0.08, n)),
                       np.exp(r.normal(0, 0.6, n)), r.normal(0, 0.05, n), np.zeros(n))


def simulate_day(seed: int, series: PriceSeries, day: dt.date) -> dict[str, bytes]:
    """The day's Agmarknet export per commodity ({commodity_key: csv bytes}); none on Sundays."""
    if day.weekday() == 6:
        return {}
    geo = geography()
    r = rng_for(seed, "prices", day.toordinal())
    n = len(series.mandi)
    doy = day.timetuple().tm_yday
    fv = np.isin(series.commodity, list(FRUIT_AND_VEG))
    season = np.where(fv, 0.25, 0.08) * np.cos(2 * np.pi * (doy - 200) / 365.25)
    series.noise = 0.9 * series.noise + r.normal(0, 0.03, n)
    series.shock = 0.85 * series.shock + np.where(r.random(n) < 0.003, r.normal(0, 0.3, n), 0.0)
    base = np.array([COMMODITIES[c][2] for c in series.commodity])
    base_arrivals = np.array([COMMODITIES[c][3] for c in series.commodity])
    log_dev = season + series.noise + series.shock
    modal = base * series.level * np.exp(log_dev)
    # More produce arriving pushes the price down; a price spike draws more produce in the next days.
    arrivals = np.round(base_arrivals * series.size * np.exp(-1.2 * (season + series.shock) + r.normal(0, 0.25, n)), 1)
    lo = modal * r.uniform(0.6, 0.92, n)
    hi = modal * r.uniform(1.08, 1.4, n)
    reports = r.random(n) < 0.9  # not every mandi reports every commodity every day
    dup = r.random(n) < 0.003  # the export occasionally repeats a row
    date_text = day.strftime("%d/%m/%Y")
    rows: dict[str, list] = {}
    for k in np.nonzero(reports)[0]:
        c = series.commodity[k]
        m = geo.mandis[series.mandi[k]]
        market = BANGALORE_FV_MARKET if (m["mandi_name"] == "Bangalore" and c in FRUIT_AND_VEG) else m["mandi_name"]
        row = (market, date_text, max(arrivals[k], 0.1), COMMODITIES[c][1], round(lo[k], -1), round(hi[k], -1), round(modal[k], -1))
        rows.setdefault(c, []).append(row)
        if c in FRUIT_AND_VEG and series.size[k] > 1.5:  # big F&V markets also report a second variety
            rows[c].append((market, date_text, round(row[2] * 0.3, 1), "Local" if row[3] != "Local" else "Other",
                            round(lo[k] * 0.9, -1), round(hi[k] * 0.9, -1), round(modal[k] * 0.9, -1)))
        if dup[k]:
            rows[c].append(row)
    return {c: agmarknet_export(sorted(v, key=lambda x: x[0])) for c, v in rows.items()}
