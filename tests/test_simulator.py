import datetime as dt
import hashlib
import re

import numpy as np
import pytest

from ingestion.parsers import agmarknet
from simulator.geography import BANGALORE_FV_MARKET, geography
from simulator.population import build_population
from simulator.world import build_world

START = dt.date(2026, 6, 20)


def digest(root):
    h = hashlib.sha256()
    for p in sorted(root.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(root).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


def test_same_seed_same_world_other_seed_other_world(tmp_path):
    build_world(tmp_path / "a", seed=11, farmers=200, start=START, days=2)
    build_world(tmp_path / "b", seed=11, farmers=200, start=START, days=2)
    build_world(tmp_path / "c", seed=12, farmers=200, start=START, days=2)
    assert digest(tmp_path / "a") == digest(tmp_path / "b") != digest(tmp_path / "c")


def test_every_source_lands_in_its_place(tmp_path):
    s = build_world(tmp_path, seed=1, farmers=500, start=START, days=3)
    for source in ("app", "sensors", "weather", "mandi_prices", "soil_health"):
        assert s.files[source] > 0
        assert {p.name for p in (tmp_path / source).iterdir()} <= {(START + dt.timedelta(days=i)).isoformat() for i in range(3)}
    assert not list(tmp_path.rglob("*.part"))


def test_population_sizes_and_places_are_real_karnataka():
    pop = build_population(seed=2, n_farmers=3000, start=START)
    farmers = pop.tables["farmers"]
    assert farmers.num_rows == 3000 and len(set(farmers["phone"].to_pylist())) == 3000
    assert all(p.startswith("+91") and len(p) == 13 and p[3] in "6789" for p in farmers["phone"].to_pylist())
    assert len(pop.farm_ids) >= 3000 and len(pop.fpo_ids) == 12
    langs = farmers["language"].to_pylist()
    assert set(langs) == {"kn", "en", "hi"} and langs.count("kn") / len(langs) > 0.6
    districts = {d["district"] for d in geography().districts}
    assert set(farmers["district"].to_pylist()) <= districts and len(districts) == 31
    lat, lon = pop.farm_lat, pop.farm_lon
    assert (lat > 11).all() and (lat < 19).all() and (lon > 73.5).all() and (lon < 79).all()
    crops = set(pop.tables["crop_plans"]["crop"].to_pylist())
    assert {"ragi", "paddy", "tur"} <= crops


def test_sensor_values_are_physical_except_the_error_codes(tmp_path):
    build_world(tmp_path, seed=4, farmers=400, start=START, days=2)
    lines = [ln for p in sorted((tmp_path / "sensors").rglob("*.lp")) for ln in p.read_text().splitlines()]
    moist = np.array([float(ln.split("soil_moisture_vwc_pct=")[1].split(",")[0]) for ln in lines])
    temp = np.array([float(ln.split("soil_temperature_c=")[1].split(" ")[0]) for ln in lines])
    assert ((moist >= 0) & (moist <= 100) | (moist == 6553.5)).all()
    assert 10 < np.median(moist) < 45 and -5 < temp.min() and temp.max() < 60
    # dropouts: fewer than 96 points per sensor-day on average
    sensors = {ln.split("sensor_id=")[1].split(" ")[0] for ln in lines}
    assert len(lines) < len(sensors) * 96 * 2


def test_agmarknet_exports_carry_the_real_quirks(tmp_path):
    build_world(tmp_path, seed=6, farmers=300, start=START, days=3)
    files = sorted((tmp_path / "mandi_prices").rglob("*.csv"))
    texts = [p.read_text() for p in files]
    assert any(f"\n{BANGALORE_FV_MARKET}," in t for t in texts)  # unquoted comma in a market name
    assert any(re.search(r"\n,\d{2}/\d{2}/\d{4},", t) for t in texts)  # forward-filled market names
    for p in files:
        parsed = agmarknet.parse(p.read_bytes(), p.name, START + dt.timedelta(days=3))
        t = parsed.tables[agmarknet.TARGET]
        assert parsed.rows_read == t.num_rows + parsed.rejects.table().num_rows
        mn, modal, mx = (np.array(t[c].to_pylist()) for c in ("min_price_rs_per_qtl", "modal_price_rs_per_qtl", "max_price_rs_per_qtl"))
        assert (mn <= modal).all() and (modal <= mx).all()


@pytest.mark.slow
def test_two_hundred_thousand_farmers_for_one_day(tmp_path):
    s = build_world(tmp_path, seed=7, farmers=200_000, start=START, days=1)
    assert s.farmers == 200_000 and s.farms > 200_000 and s.sensors > 10_000
    assert s.bytes["sensors"] > s.sensors * 90 * 100  # ~96 points of ~130 bytes per sensor


def _price_stats(series) -> "np.ndarray":
    """Per series: sd of one-day log changes, their lag-one autocorrelation, sd of 30-day log changes."""
    import pandas as pd

    rows = []
    for _, g in series.groupby("series_id"):
        ly = np.log(g.set_index("ds")["y"])
        d1 = ly.diff().dropna()
        rows.append((d1.std(), d1.autocorr(1), (ly.shift(-30) - ly).dropna().std()))
    return np.nanmedian(np.array(rows, dtype=float), axis=0) if rows else pd.NA


def test_price_history_moves_like_the_real_onion_series():
    """The simulator's onion history against the real Karnataka onion mandis that report on most days."""
    from ml.forecast.series import daily_series, wholesale_onion_series
    from simulator import prices
    from tests.conftest import REAL

    real = wholesale_onion_series(REAL / "onion__wholesale_karnataka_2006_2021.csv.gz")
    dense = real.groupby("series_id")["y"].apply(lambda y: y.notna().mean() > 0.5)
    real_stats = _price_stats(real[real["series_id"].isin(dense[dense].index)])
    files = prices.history(42, prices.price_series(42), START, 3)
    t = agmarknet.parse(files["onion"], "onion__history.csv", START).tables[agmarknet.TARGET].to_pandas()
    t = t.rename(columns={"market": "mandi_key"}).assign(commodity="onion")
    sim_stats = _price_stats(daily_series(t))
    sd1, ac1, sd30 = sim_stats
    assert real_stats[1] < -0.1 and ac1 < -0.1  # both carry a day's quote noise that the next day undoes
    assert 0.6 < sd1 / real_stats[0] < 1.5 and 0.6 < sd30 / real_stats[2] < 1.5, (sim_stats, real_stats)
    span = daily_series(t)["ds"]
    assert span.min().date() <= START - dt.timedelta(days=3 * 365) and span.max().date() < START
