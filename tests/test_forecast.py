"""Price forecasts: baselines, rules for series that cannot carry a model, metrics, intervals, and a
run on real Agmarknet onion series through the lake."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ml.forecast import FORECAST_COLUMNS, models
from ml.forecast.backtest import backtest, champions, forecast_at, series_rule
from ml.forecast.metrics import score, seasonal_naive_scale
from tests.conftest import REAL, land

ONION = REAL / "onion__wholesale_2013_2018_top4_mandis.csv"


def series(values, sid="M1|tomato", start="2026-01-01") -> pd.DataFrame:
    values = np.asarray(values, dtype=float)
    return pd.DataFrame({"series_id": sid, "ds": pd.date_range(start, periods=len(values), freq="D"),
                         "y": values, "arrivals": 10.0})


def test_seasonal_naive_repeats_the_last_week_and_naive_the_last_price():
    week = [100, 110, 120, 130, 140, 150, 160]
    s = series(week * 20)
    sn = models.seasonal_naive(s, horizon=14)
    assert list(sn["yhat"].round(6)) == week * 2
    assert sn["ds"].iloc[0] == s["ds"].iloc[-1] + pd.Timedelta(days=1)
    n = models.naive(series([5, np.nan, 7, np.nan]), horizon=3)
    assert list(n["yhat"]) == pytest.approx([7, 7, 7]) and list(n.columns) == FORECAST_COLUMNS


def test_mase_smape_and_coverage_by_hand():
    hist = pd.Series([10.0, 12, 10, 12, 10, 12, 10, 12])  # seasonal (7) naive errors: |12-10| = 2
    assert seasonal_naive_scale(hist, 7) == 2.0
    f = pd.DataFrame({"y": [10.0, 20], "yhat": [12.0, 20], "lo80": [9.0, 21], "hi80": [11.0, 22], "lo95": [0.0, 0], "hi95": [99.0, 99]})
    s = score(f, scale=2.0)
    assert s["mase"] == pytest.approx(0.5) and s["smape"] == pytest.approx((200 * 2 / 22) / 2)
    assert (s["coverage80"], s["coverage95"], s["n"]) == (0.5, 1.0, 2)


@pytest.mark.parametrize("values,rule", [
    ([5.0], "no_history"),
    ([5.0] * 30, "short_series"),
    ([5.0] * 100, "constant_series"),
    ([5.0 + i % 3 for i in range(100)] + [np.nan] * 50, "gappy_series"),
    ([5.0 + i % 3 for i in range(100)], None),
])
def test_series_that_cannot_carry_a_model_get_a_rule(values, rule):
    assert series_rule(series(values)) == rule


def test_rules_name_the_champion_and_a_new_mandi_still_gets_a_forecast():
    rng = np.random.default_rng(1)
    long = series(1000 * np.exp(np.cumsum(rng.normal(0, 0.02, 200))), "M1|onion")
    new = series([900.0, 950, 940], "NEW|onion", start="2026-07-01")
    both = pd.concat([long, new])
    scores = backtest(both, n_cutoffs=2, wanted=("naive", "seasonal_naive"))
    _, rules = forecast_at(both, None, ("naive",))
    champ = champions(scores, rules).set_index("series_id")
    assert champ.loc["NEW|onion", ["champion_model", "reason"]].tolist() == ["seasonal_naive", "short_series"]
    assert champ.loc["M1|onion", "reason"] == "lowest_backtest_mase"
    fc, _ = forecast_at(both, None, ("seasonal_naive",), horizon=30)
    assert set(fc["series_id"]) == {"M1|onion", "NEW|onion"} and len(fc) == 60


def test_a_lake_younger_than_the_horizon_gets_baseline_forecasts_and_no_scores():
    # A week of prices (what the demo world has): no backtest cutoff has history before it.
    week = series([1000.0, 1010, 990, 1005, 1020, 1000, 995])
    scores = backtest(week, n_cutoffs=3, wanted=("naive", "seasonal_naive"))
    assert scores.empty and {"window", "mase"} <= set(scores.columns)
    _, rules = forecast_at(week, None, ("seasonal_naive",))
    assert champions(scores, rules)["champion_model"].tolist() == ["seasonal_naive"]
    # a day of prices: no series can carry even a baseline; champions are empty, not column-less
    day = series([1000.0])
    fc, rules = forecast_at(day, None, ("naive", "seasonal_naive"))
    assert fc.empty and rules["rule"].tolist() == ["no_history"]
    assert list(champions(backtest(day, wanted=("naive",)), rules).columns)[:2] == ["series_id", "champion_model"]


@pytest.mark.slow
def test_model_intervals_are_ordered_and_finite_on_a_real_series():
    from ml.forecast.series import wholesale_onion_series

    s = wholesale_onion_series(ONION)
    hist = s[s["ds"] <= "2018-06-30"]
    g = hist[hist["series_id"] == "BELGAUM|onion"].reset_index(drop=True)
    trained = models.lightgbm_train(hist)
    for fc in (models.prophet(g), models.lightgbm_forecast(trained, g)):
        v = fc[["lo95", "lo80", "yhat", "hi80", "hi95"]].to_numpy()
        assert np.isfinite(v).all() and (np.diff(v, axis=1) >= -1e-9).all() and len(fc) == 30
        assert 100 < fc["yhat"].median() < 10_000  # Rs/quintal, the scale of onion prices


@pytest.mark.slow
def test_forecast_run_on_real_onion_series_through_the_lake(lake_env):
    from dagster_project.run_local import materialize_partitions
    from lake import delta_io
    from lake.catalog import table
    from ml.forecast.run import run

    day = dt.date(2026, 11, 2)  # history delivered now: its arrival dates are 2013-2018
    land(lake_env, "mandi_prices", day, ONION.name, ONION.read_bytes())
    materialize_partitions(day, day, lambda _: None)
    summary = run(workers=1, n_cutoffs=2)
    assert summary["series"] == 4
    champs = delta_io.read_arrow(table("gold.price_forecast_champions")).to_pandas()
    assert len(champs) == 4
    # the champion is never worse than the seasonal naive on the backtests it was chosen on
    assert (champs["champion_mase_h1_30"] <= champs["seasonal_naive_mase_h1_30"] + 1e-9).all()
    fc = delta_io.read_arrow(table("gold.price_forecasts")).to_pandas()
    assert fc.groupby("series_id")["is_champion"].sum().eq(30).all()
    assert set(fc["model_version"].str.split("-").str[0]) == {"naive", "seasonal_naive", "prophet", "lightgbm"}
    models_ = delta_io.read_arrow(table("gold.price_forecast_models")).to_pandas().set_index("model")
    assert models_.loc["naive", "promoted"] and models_.loc["seasonal_naive", "promoted"]
    for m in ("prophet", "lightgbm"):
        assert models_.loc[m, "promoted"] == (models_.loc[m, "mean_mase_h1_30"] < models_.loc[m, "seasonal_naive_mean_mase_h1_30"])
    promoted = set(models_.index[models_["promoted"]])
    assert set(champs["champion_model"]) <= promoted
    before = len(fc)
    run(workers=1, n_cutoffs=2)  # the same week again: the same rows, merged in place
    assert len(delta_io.read_arrow(table("gold.price_forecasts"))) == before
    vs = delta_io.read_arrow(table("gold.price_forecast_vs_actual")).to_pandas()
    assert len(vs) == before and vs["actual"].isna().all()  # the future has not arrived yet


def test_an_outlier_price_is_neither_fitted_nor_forecast():
    from ml.forecast.series import drop_outliers

    values = [1000.0 + (i % 7) * 10 for i in range(60)]
    values[-1] = 5000.0  # a typing slip on the last day
    values[30] = 300.0  # a one-day glut
    clean, n = drop_outliers(series(values))
    assert n == 2 and clean["y"].isna().sum() == 2
    assert models.naive(clean)["yhat"].iloc[0] == pytest.approx(values[-2])
