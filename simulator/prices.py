"""Daily mandi prices and arrivals per mandi x commodity, written as Agmarknet exports: the demo days one
file per commodity per day, and years of history before them (`history`), one file per commodity, as a
platform receives on onboarding.

The log price is level + season + a slow component (months) + a fast one (days) + a day's quote noise +
rare shocks (gluts and crises) that fade over weeks; arrivals answer the season and the shocks. The
parameters are calibrated on the real Karnataka onion series (tests/fixtures/real, the six mandis that
report on most days, 2006-2021): one-day log changes of sd 0.08-0.16 with lag-one autocorrelation -0.14
to -0.31 (the quote noise), 30-day changes of sd 0.33-0.42, a seasonal swing of +-0.30-0.41; grains and
pulses move about a third as much. tests/test_simulator.py measures the same statistics on the
simulated onion series. Mandis are closed on Sundays and national holidays, and do not report every
commodity every day."""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass

import numpy as np

from simulator.formats import agmarknet_export
from simulator.geography import BANGALORE_FV_MARKET, COMMODITIES, CROPS_BY_REGION, FRUIT_AND_VEG, geography
from simulator.rng import rng_for

# calibration (see the module docstring); volatility of fruit and vegetables = 1, other crops VOL_OTHER
SLOW_AR, SLOW_SD = 0.995, 0.042
FAST_AR, FAST_SD = 0.85, 0.05
QUOTE_SD = 0.05
SHOCK_P, SHOCK_SD, SHOCK_DECAY = 0.004, 0.45, 0.97
SEASON_FV, SEASON_OTHER = 0.32, 0.08
VOL_OTHER = 0.3
REPORT_P = 0.9
CLOSED_ON = ("Republic Day", "Independence Day", "Mahatma Gandhi's Birthday", "Diwali")


@dataclass
class PriceSeries:
    mandi: np.ndarray  # index into geography().mandis
    commodity: np.ndarray  # commodity key
    level: np.ndarray  # mandi-specific price level factor
    size: np.ndarray  # mandi-specific arrivals factor
    slow: np.ndarray  # slow log-price state (months)
    fast: np.ndarray  # fast log-price state (days)
    shock: np.ndarray  # decaying log-price shock
    vol: np.ndarray  # volatility factor of the commodity
    market: list[str]  # the market name the export writes
    variety: list[str]
    second_variety: np.ndarray  # big F&V markets also report a second variety
    base_price: np.ndarray
    base_arrivals: np.ndarray


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
    commodity = np.array(commodity)
    fv = np.isin(commodity, list(FRUIT_AND_VEG))
    vol = np.where(fv, 1.0, VOL_OTHER)
    size = np.exp(r.normal(0, 0.6, n))
    names = [geo.mandis[i]["mandi_name"] for i in mandi]
    market = [BANGALORE_FV_MARKET if (name == "Bangalore" and f) else name for name, f in zip(names, fv)]
    return PriceSeries(np.array(mandi), commodity, np.exp(r.normal(0, 0.08, n)), size,
                       r.normal(0, 0.1, n) * vol, r.normal(0, 0.05, n) * vol, np.zeros(n), vol, market,
                       [COMMODITIES[c][1] for c in commodity], fv & (size > 1.5),
                       np.array([COMMODITIES[c][2] for c in commodity]), np.array([COMMODITIES[c][3] for c in commodity]))


@functools.lru_cache(maxsize=1)
def _closed_days() -> frozenset[dt.date]:
    import holidays

    return frozenset(d for d, name in holidays.country_holidays("IN", years=range(2001, 2036)).items()
                     if any(c in name for c in CLOSED_ON))


def is_market_day(day: dt.date) -> bool:
    return day.weekday() != 6 and day not in _closed_days()


def _step(seed: int, series: PriceSeries, day: dt.date):
    """Advance the state by one day; the day's modal price, min, max, arrivals and who reports."""
    r = rng_for(seed, "prices", day.toordinal())
    n = len(series.mandi)
    doy = day.timetuple().tm_yday
    fv = series.vol == 1.0
    season = np.where(fv, SEASON_FV, SEASON_OTHER) * np.cos(2 * np.pi * (doy - 200) / 365.25)
    series.slow = SLOW_AR * series.slow + r.normal(0, SLOW_SD, n) * series.vol
    series.fast = FAST_AR * series.fast + r.normal(0, FAST_SD, n) * series.vol
    series.shock = SHOCK_DECAY * series.shock + np.where(r.random(n) < SHOCK_P, r.normal(0, SHOCK_SD, n), 0.0) * series.vol
    base, base_arrivals = series.base_price, series.base_arrivals
    log_dev = season + series.slow + series.fast + series.shock + r.normal(0, QUOTE_SD, n) * series.vol
    modal = base * series.level * np.exp(log_dev)
    # More produce arriving pushes the price down; a price spike draws more produce in the next days.
    arrivals = np.round(base_arrivals * series.size * np.exp(-1.2 * (season + series.shock) + r.normal(0, 0.25, n)), 1)
    lo = modal * r.uniform(0.6, 0.92, n)
    hi = modal * r.uniform(1.08, 1.4, n)
    reports = r.random(n) < REPORT_P  # not every mandi reports every commodity every day
    dup = r.random(n) < 0.003  # the export occasionally repeats a row
    return modal, lo, hi, np.maximum(arrivals, 0.1), reports, dup


def _rows(series: PriceSeries, day: dt.date, modal, lo, hi, arrivals, reports, dup, rows: dict[str, list]) -> None:
    date_text = day.strftime("%d/%m/%Y")
    lo10, hi10, modal10 = np.round(lo, -1), np.round(hi, -1), np.round(modal, -1)
    for k in np.flatnonzero(reports).tolist():
        c = series.commodity[k]
        row = (series.market[k], date_text, float(arrivals[k]), series.variety[k], lo10[k], hi10[k], modal10[k])
        out = rows.setdefault(c, [])
        out.append(row)
        if series.second_variety[k]:
            out.append((row[0], date_text, round(row[2] * 0.3, 1), "Local" if row[3] != "Local" else "Other",
                        round(lo[k] * 0.9, -1), round(hi[k] * 0.9, -1), round(modal[k] * 0.9, -1)))
        if dup[k]:
            out.append(row)


def simulate_day(seed: int, series: PriceSeries, day: dt.date) -> dict[str, bytes]:
    """The day's Agmarknet export per commodity ({commodity_key: csv bytes}); none on market holidays."""
    step = _step(seed, series, day)
    if not is_market_day(day):
        return {}
    rows: dict[str, list] = {}
    _rows(series, day, *step, rows)
    return {c: agmarknet_export(sorted(v, key=lambda x: x[0])) for c, v in rows.items()}


def history(seed: int, series: PriceSeries, start: dt.date, years: int) -> dict[str, bytes]:
    """`years` of daily exports before `start`, one file per commodity ({commodity: csv bytes}); advances
    the state to `start`, so the demo days continue the same series."""
    rows: dict[str, list] = {}
    first = start - dt.timedelta(days=round(365.25 * years))
    day = first
    while day < start:
        step = _step(seed, series, day)
        if is_market_day(day):
            _rows(series, day, *step, rows)
        day += dt.timedelta(days=1)
    # one block per market, days in order within it (how a per-market history export reads)
    return {c: agmarknet_export(sorted(v, key=lambda x: (x[0], x[1][6:], x[1][3:5], x[1][:2]))) for c, v in rows.items()}
