"""Price forecasts: models against an independent implementation, metrics by hand, rules for series that
cannot carry a model, intervals calibrated on series with known noise and never degenerate, the guard,
champions that never lose to the naive, and a run on real Agmarknet onion series through the lake."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from ml.forecast import FORECAST_COLUMNS, models
from ml.forecast.backtest import (champions, evaluate, guard, per_series, promotion, rules_at, series_forecast,
                                  series_rule)
from ml.forecast.metrics import naive_scale, score_frame
from tests.conftest import REAL, land

ONION = REAL / "onion__wholesale_2013_2018_top4_mandis.csv"
ONION_ALL = REAL / "onion__wholesale_karnataka_2006_2021.csv.gz"


def series(values, sid="M1|tomato", start="2026-01-01", arrivals=10.0) -> pd.DataFrame:
    values = np.asarray(values, dtype=float)
    return pd.DataFrame({"series_id": sid, "ds": pd.date_range(start, periods=len(values), freq="D"),
                         "y": values, "arrivals": arrivals})


def random_walk(n, sd, seed, sid="M1|onion", start="2023-01-01"):
    rng = np.random.default_rng(seed)
    return series(2000 * np.exp(np.cumsum(rng.normal(0, sd, n))), sid, start)


def test_naive_is_the_last_price_and_seasonal_naive_the_last_week():
    week = [100, 110, 120, 130, 140, 150, 160]
    s = series(week * 20)
    assert list(np.exp(models.seasonal_naive(s["y"].to_numpy(), 14)).round(6)) == week * 2
    assert list(np.exp(models.naive(np.array([5, np.nan, 7, np.nan]), 3))) == pytest.approx([7, 7, 7])


def test_theta_matches_statsmodels_theta_model():
    from statsmodels.tsa.forecasting.theta import ThetaModel

    for seed in (1, 2, 3):
        s = random_walk(500, 0.03, seed)
        s["y"] *= np.exp(0.0005 * np.arange(500))  # a drift for the trend part to find
        ours = models.theta(s["y"].to_numpy(), 30)
        ref = ThetaModel(np.log(s["y"].to_numpy()), deseasonalize=False).fit().forecast(30).to_numpy()
        # the smoothing weight is searched on a 0.01 grid here, optimised continuously there
        np.testing.assert_allclose(ours, ref, atol=0.01)
        # several origins in one pass give what one fit per origin gives
        ends = np.array([200, 350, 500])
        np.testing.assert_allclose(models.theta_at(s["y"].to_numpy(), ends, 30),
                                   [models.theta(s["y"].to_numpy()[:e], 30) for e in ends], rtol=1e-12)


def test_mase_relative_mae_smape_and_coverage_by_hand():
    assert naive_scale(pd.Series([10.0, 12, np.nan, 10, 13])) == pytest.approx((2 + 2 + 3) / 3)
    o = pd.Timestamp("2026-01-10")
    ds = [o + pd.Timedelta(days=1), o + pd.Timedelta(days=2)]
    fc = pd.DataFrame({"series_id": "S", "origin": o, "ds": ds * 2, "horizon": [1, 2, 1, 2],
                       "model": ["naive", "naive", "theta", "theta"], "yhat": [12.0, 12, 11, 20],
                       "lo80": [9.0, 9, 10, 19], "hi80": [11.0, 15, 12, 21], "lo95": 0.0, "hi95": 99.0})
    actual = pd.DataFrame({"series_id": "S", "ds": ds, "y": [10.0, 20]})
    s = score_frame(fc, actual, pd.DataFrame({"series_id": ["S"], "origin": [o], "naive_scale": [2.0]}))
    t = s[(s["model"] == "theta") & (s["window"] == "h1_7")].iloc[0]
    assert t["mae"] == pytest.approx(0.5) and t["mase"] == pytest.approx(0.25)
    assert t["rel_mae_naive"] == pytest.approx(0.5 / 5) and t["smape"] == pytest.approx((200 * 1 / 21) / 2)
    n = s[(s["model"] == "naive") & (s["window"] == "h1_7")].iloc[0]
    assert (n["coverage80"], n["coverage95"], n["n"], n["rel_mae_naive"]) == (0.5, 1.0, 2, 1.0)
    assert set(s["window"]) == {"h1_7", "h1_30"}  # no target days in the later bands


@pytest.mark.parametrize("values,rule", [
    ([5.0], "no_history"),
    ([5.0] * 30, "short_series"),
    ([5.0] * 100, "constant_series"),
    ([5.0 + i % 3 for i in range(100)] + [np.nan, np.nan, np.nan, np.nan, 6.0] * 12, "gappy_series"),
    ([5.0 + i % 3 for i in range(100)] + [np.nan] * 40, "stale_series"),
    ([5.0 + i % 3 for i in range(100)], None),
])
def test_series_that_cannot_carry_a_model_get_a_rule(values, rule):
    assert series_rule(series(values)) == rule


def test_arrival_weighting_keeps_a_constant_series_constant():
    from ml.forecast.series import daily_series

    days = pd.date_range("2025-01-01", periods=90, freq="D").date
    prices = pd.DataFrame({"mandi_key": "M", "commodity": "ragi", "arrival_date": np.repeat(days, 2),
                           "modal_price_rs_per_qtl": 1000.0, "arrivals_tonnes": np.tile([0.3, 7.1], 90)})
    s = daily_series(prices)
    assert (s["y"] == 1000.0).all() and series_rule(s) == "constant_series"


def test_slips_are_found_from_the_past_only_and_real_spikes_stay():
    from ml.forecast.series import drop_outliers

    values = [1000.0 + (i % 7) * 10 for i in range(60)]
    values[40] = 2600.0  # a real spike (2.5x): kept
    values[-1] = 10_000.0  # a digit too many on the last day: blanked
    clean, n = drop_outliers(series(values))
    assert n == 1 and np.isnan(clean["y"].iloc[-1]) and clean["y"].iloc[40] == 2600.0
    # what comes after a day never changes whether that day was a slip
    more, _ = drop_outliers(series(values[:45] + [20_000.0] * 15))
    assert more["y"].iloc[:45].equals(clean["y"].iloc[:45])


def test_an_exploding_forecast_is_replaced_by_the_naive_and_says_so():
    s = random_walk(400, 0.02, 4)
    moves = models.max_move(s["y"].to_numpy(), 30)
    assert guard(np.full(30, np.log(2000 * 50)), np.log(2000), moves) == pytest.approx(50, rel=0.2)
    assert guard(np.full(30, np.log(s["y"].iloc[-1])), np.log(s["y"].iloc[-1]), moves) is None

    class Exploding:  # a global model that forecasts a 1e12 rupee onion
        def predict(self, X, num_threads=1):
            return np.full(len(X), 27.0)

    out = series_forecast(s, (s["ds"].iloc[-1],), 30, ("naive", "lightgbm"),
                          {s["ds"].iloc[-1]: {"model": Exploding(), "code": {"onion": 0}}})
    lg, nv = out[out["model"] == "lightgbm"], out[out["model"] == "naive"]
    assert lg["note"].str.startswith("guard: lightgbm moved the price").all()
    np.testing.assert_allclose(lg["yhat"], nv["yhat"])


def _intervals_ok(fc: pd.DataFrame) -> None:
    v = fc[["lo95", "lo80", "yhat", "hi80", "hi95"]].to_numpy(dtype=float)
    assert np.isfinite(v).all() and (v > 0).all()
    assert (np.diff(v, axis=1) >= -1e-9).all(), "bounds cross or miss the point forecast"
    assert ((fc["hi80"] / fc["lo80"]) > 1.01).all(), "an interval narrower than 1 % claims what no price series supports"


@pytest.mark.parametrize("kind", ["short", "flat", "gappy", "spiky", "one_week"])
def test_intervals_are_never_degenerate(kind):
    rng = np.random.default_rng(5)
    if kind == "short":
        s = series([2800.0, 2810, 2790, 2805])
    elif kind == "flat":
        s = series([2800.0] * 200)
    elif kind == "gappy":
        y = random_walk(300, 0.03, 6)["y"].to_numpy().copy()
        y[rng.random(300) < 0.8] = np.nan
        y[-1] = 2500.0
        s = series(y)
    elif kind == "spiky":
        y = random_walk(300, 0.02, 7)["y"].to_numpy().copy()
        y[::37] *= 3
        s = series(y)
    else:
        s = series([2800.0, 2790, 2805, 2800, 2795, 2800, 2810])
    ev = evaluate(s, n_cutoffs=3, step_days=30, wanted=("naive", "seasonal_naive", "theta"))
    assert len(ev.forecasts) and list(ev.forecasts.columns) == FORECAST_COLUMNS
    _intervals_ok(ev.forecasts)


def test_intervals_from_backtest_errors_cover_what_they_say_on_series_with_known_noise():
    # 40 random walks (daily log sd 3 %) x 8 cutoffs: each cutoff's 80 % intervals come from the errors of
    # the earlier cutoffs only; over the later cutoffs they must cover 75-85 % (sampling error of ~1,000
    # correlated days), and 95 % ones 91-98 %.
    s = pd.concat([random_walk(700, 0.03, 100 + i, f"M{i:02d}|onion") for i in range(40)], ignore_index=True)
    ev = evaluate(s, n_cutoffs=8, step_days=30, wanted=("naive", "theta"))
    late = ev.scores[(ev.scores["cutoff"] >= ev.scores["cutoff"].min() + dt.timedelta(days=60)) &
                     (ev.scores["window"] == "h1_30")]
    for model, g in late.groupby("model"):
        c80 = (g["coverage80"] * g["n"]).sum() / g["n"].sum()
        c95 = (g["coverage95"] * g["n"]).sum() / g["n"].sum()
        assert 0.75 <= c80 <= 0.85, (model, c80)
        assert 0.91 <= c95 <= 0.98, (model, c95)
    assert (ev.forecasts["interval_basis"] == "conformal").all()


def test_champions_never_lose_to_the_naive_and_series_without_scores_do_not_crash():
    walks = pd.concat([random_walk(500, 0.03, 20 + i, f"M{i}|onion") for i in range(6)], ignore_index=True)
    stopped = random_walk(300, 0.03, 9, "OLD|onion", start="2023-01-01")  # stopped reporting a year before
    new = series([900.0, 950, 940], "NEW|onion", start=str((walks["ds"].max() - pd.Timedelta(days=2)).date()))
    s = pd.concat([walks, stopped, new], ignore_index=True)
    ev = evaluate(s, n_cutoffs=4, step_days=30, wanted=("naive", "seasonal_naive", "theta", "lightgbm", "combination"))
    rules = rules_at(s, s["ds"].max()).set_index("series_id")["rule"]
    assert rules["OLD|onion"] == "stale_series" and rules["NEW|onion"] == "short_series"
    champ = champions(ev.scores, ev.rules, promotion(ev.scores, tuple(ev.forecasts["model"].unique())))
    champ = champ.set_index("series_id")
    assert "OLD|onion" not in champ.index and "OLD|onion" not in set(ev.forecasts["series_id"])
    assert champ.loc["NEW|onion", ["champion_model", "reason"]].tolist() == ["naive", "short_series"]
    ps = per_series(ev.scores).set_index(["series_id", "model"])["rel_mae_naive"]
    for sid, row in champ.drop(index="NEW|onion").iterrows():
        if row["champion_model"] != "naive":
            assert ps[(sid, row["champion_model"])] < 1, sid
    # a series that is full but has no backtest score (pandas 3 reads its None rule as NaN)
    lone = champions(ev.scores.iloc[0:0], pd.DataFrame({"series_id": ["M0|onion"], "rule": [np.nan]}))
    assert lone[["champion_model", "reason"]].iloc[0].tolist() == ["naive", "no_backtest_scores"]


def test_a_commodity_the_global_model_has_not_seen_still_gets_its_other_forecasts():
    from ml.forecast import global_model

    s = random_walk(400, 0.02, 11, "M1|ginger")
    out = series_forecast(s, (s["ds"].iloc[-1],), 30, ("naive", "theta", "lightgbm"),
                          {s["ds"].iloc[-1]: {"model": object(), "code": {"onion": 0}}})
    assert set(out["model"]) == {"naive", "theta"}
    assert global_model.commodity_of("M1|ginger") == "ginger"


@pytest.mark.slow
def test_forecast_run_on_real_onion_series_through_the_lake(lake_env):
    from dagster_project.run_local import materialize_partitions
    from lake import delta_io
    from lake.catalog import table
    from ml.forecast.run import run

    day = dt.date(2026, 11, 2)  # history delivered now: its arrival dates are 2013-2018
    land(lake_env, "mandi_prices", day, ONION.name, ONION.read_bytes())
    materialize_partitions(day, day, lambda _: None)
    summary = run(workers=1, n_cutoffs=4, step_days=30)
    assert summary["series"] == 4 and summary["backtest_cutoffs"] == 4
    champs = delta_io.read_arrow(table("gold.price_forecast_champions")).to_pandas()
    assert len(champs) == 4
    fc = delta_io.read_arrow(table("gold.price_forecasts")).to_pandas()
    assert fc.groupby("series_id")["is_champion"].sum().eq(30).all()
    assert set(fc["model"]) == {"naive", "seasonal_naive", "theta", "lightgbm", "combination"}
    _intervals_ok(fc)
    assert (fc["interval_basis"] == "conformal").mean() > 0.9
    bt = delta_io.read_arrow(table("gold.price_forecast_backtests")).to_pandas()
    assert set(bt["window"]) == {"h1_7", "h8_14", "h15_30", "h1_30"}
    assert bt.loc[bt["model"] == "naive", "rel_mae_naive"].eq(1).all()
    models_ = delta_io.read_arrow(table("gold.price_forecast_models")).to_pandas().set_index("model")
    assert models_.loc["naive", "promoted"] and models_.loc["seasonal_naive", "promoted"]
    for m in ("theta", "lightgbm", "combination"):
        assert models_.loc[m, "promoted"] == (models_.loc[m, "median_rel_mae_naive_h1_30"] < 1)
    assert set(champs["champion_model"]) <= set(models_.index[models_["promoted"]])
    # the champion beat the naive on its backtests, or is the naive
    assert ((champs["champion_model"] == "naive") | (champs["champion_rel_mae_naive_h1_30"] < 1)).all()
    before = len(fc)
    run(workers=1, n_cutoffs=4, step_days=30)  # the same week again: the same rows, merged in place
    assert len(delta_io.read_arrow(table("gold.price_forecasts"))) == before
    vs = delta_io.read_arrow(table("gold.price_forecast_vs_actual")).to_pandas()
    assert len(vs) == before and vs["actual"].isna().all()  # the future has not arrived yet


def test_forecast_on_an_empty_lake_names_the_commands_that_fix_it(lake_env):
    from ml.forecast.run import NoPrices, run

    with pytest.raises(NoPrices, match="hasiru ingest"):
        run()


@pytest.mark.slow
def test_on_the_demo_worlds_history_the_models_learn_and_their_intervals_hold():
    """The simulator's three years of prices (calibrated on real onion series): the global model and the
    combination are promoted over the naive, and every model's 80 % intervals cover 72-88 %."""
    from ingestion.parsers import agmarknet
    from ml.forecast.backtest import band_summary
    from ml.forecast.series import daily_series
    from simulator import prices

    start = dt.date(2026, 11, 1)
    parts = []
    for commodity, data in prices.history(7, prices.price_series(7), start, 3).items():
        if commodity in ("onion", "tomato", "ragi", "maize"):
            t = agmarknet.parse(data, f"{commodity}__h.csv", start).tables[agmarknet.TARGET].to_pandas()
            parts.append(t.rename(columns={"market": "mandi_key"}).assign(commodity=commodity))
    s = daily_series(pd.concat(parts, ignore_index=True))
    ev = evaluate(s, n_cutoffs=8, step_days=30, workers=1)
    promoted = promotion(ev.scores, tuple(ev.forecasts["model"].unique()))
    assert promoted["lightgbm"] and promoted["combination"], band_summary(ev.scores)
    b = band_summary(ev.scores)
    assert b["coverage80"].between(0.72, 0.88).all(), b
    champs = champions(ev.scores, ev.rules, promoted)
    assert (champs["champion_model"] != "naive").mean() > 0.5
