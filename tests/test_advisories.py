"""Irrigation advice: FAO-56 formulas against the paper's worked examples, and each advice rule."""

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from ml.advisories.et0 import extraterrestrial_radiation, hargreaves, reference_et0
from ml.advisories.irrigation import EFFICIENCY, ZR_INITIAL, advise, effective_rain, root_depth_m

DAY = dt.date(2026, 11, 20)


def _tdew(ea_kpa: float) -> float:
    l_ = np.log(ea_kpa / 0.6108)
    return 237.3 * l_ / (17.27 - l_)


def test_fao56_worked_examples():
    # Example 8: Ra at 20 degrees south on 3 September = 32.2 MJ m-2 day-1
    assert extraterrestrial_radiation(np.array([-20.0]), 246)[0] == pytest.approx(32.2, abs=0.1)
    # Example 18 (daily, Uccle, 6 July): 50 48' N, 100 m, Tmax 21.5, Tmin 12.3, RHmax 84, RHmin 63, wind 10 km/h at
    # 10 m, 9.25 h of sunshine: ET0 = 3.88 mm/day (3.9 in the text)
    e = reference_et0([12.3], [21.5], 50.8, 187, 100, rh_max=84, rh_min=63, sunshine_h=9.25, wind_m_s=10 / 3.6,
                      wind_height_m=10)
    assert e.et0_mm[0] == pytest.approx(3.88, abs=0.05)
    assert (e.method[0], e.ea_source[0], e.rs_source[0], e.wind_source[0]) == ("penman_monteith", "rh_max_min", "sunshine", "measured")
    # Example 17 (monthly, Bangkok, April): 13 44' N, 2 m, Tmax 34.8, Tmin 25.6, ea 2.85 kPa, u2 2 m/s, 8.5 h of
    # sunshine, G 0.14 MJ m-2 day-1: ET0 = 5.72 mm/day
    e = reference_et0([25.6], [34.8], 13 + 44 / 60, 105, 2, tdew=_tdew(2.85), sunshine_h=8.5, wind_m_s=2.0, g_mj=0.14)
    assert e.et0_mm[0] == pytest.approx(5.72, abs=0.05) and e.ea_source[0] == "dew_point"
    # Hargreaves (eq. 52) with Tmax 26.6, Tmin 14.8, Ra 40.55 (mid-July, 45 N): about 5.0 mm/day
    assert hargreaves(np.array([14.8]), np.array([26.6]), np.array([40.55]))[0] == pytest.approx(5.0, abs=0.1)
    # temperature only: Hargreaves, and the advice says so
    t = reference_et0([18.0], [30.0], 13.0, 324, 900)
    assert t.method[0] == "hargreaves" and t.et0_mm[0] == pytest.approx(
        hargreaves(np.array([18.0]), np.array([30.0]), extraterrestrial_radiation(np.array([13.0]), 324))[0])


@pytest.mark.parametrize("seed", range(5))
def test_penman_monteith_matches_refet_on_karnataka_days(seed):
    """An independent implementation (refet, ASCE standardised daily grass reference = FAO-56 PM) on random
    Karnataka days with measured radiation and humidity: within 0.1 mm/day."""
    import refet

    rng = np.random.default_rng(seed)
    n = 50
    tmin = rng.uniform(12, 26, n)
    tmax = tmin + rng.uniform(4, 16, n)
    lat, doy, elev = rng.uniform(11.5, 18.5, n), rng.integers(1, 366, n), rng.uniform(0, 1200, n)
    ra = extraterrestrial_radiation(lat, doy)
    rs = ra * rng.uniform(0.35, 0.75, n)
    tdew = tmin - rng.uniform(0, 8, n)
    wind = rng.uniform(0.5, 6, n)
    ours = reference_et0(tmin, tmax, lat, doy, elev, tdew=tdew, rs_mj=rs, wind_m_s=wind, wind_height_m=10).et0_mm
    ea = 0.6108 * np.exp(17.27 * tdew / (tdew + 237.3))
    ref = np.array([float(np.asarray(refet.Daily(tmin=tmin[i], tmax=tmax[i], ea=ea[i], rs=rs[i], uz=wind[i], zw=10, elev=elev[i],
                                                 lat=lat[i], doy=int(doy[i]), method="asce", rso_type="simple").eto()).ravel()[0])
                    for i in range(n)])
    assert np.abs(ours - ref).max() < 0.1, np.abs(ours - ref).max()


def test_roots_grow_over_the_development_stage_and_the_first_days_need_little_water():
    z = root_depth_m(np.array(["wheat"] * 4), np.array([0.0, 0.15, 0.275, 0.6]))
    assert z[0] == z[1] == ZR_INITIAL and ZR_INITIAL < z[2] < 1.2 and z[3] == 1.2
    assert root_depth_m(np.array(["coconut"]), np.array([0.0]))[0] == 1.0  # a perennial's roots are there
    assert list(effective_rain(np.array([0.5, 10.0]), np.array([4.0, 4.0]))) == [0.0, 8.0]
    # a newly sown wheat field on a dry week: the advice is what 15 cm of red loam can hold, not the full root zone
    adv = world(days=8, crop="wheat", sown_days_ago=2)
    irrigate = adv[adv["reason_code"] == "IRRIGATE"]
    for _, r in irrigate.iterrows():
        i = json.loads(r["inputs"])
        assert i["root_depth_m"] == ZR_INITIAL and i["net_mm"] <= i["taw_mm"] <= 1000 * (0.25 - 0.12) * ZR_INITIAL + 1e-9
        assert r["amount_mm"] == pytest.approx(i["net_mm"] / EFFICIENCY["borewell"], abs=0.11)


def world(days=5, rain=0.0, humidity=40.0, irrigation="borewell", sensor_vwc=None, forecast_rain=0.0, weather_days=None,
          crop="tomato", sown_days_ago=50, season_days=110):
    farms = pd.DataFrame({"farm_id": ["F1"], "lat": [13.0], "block_code": ["B1"], "soil_type": ["red_loam"], "irrigation": [irrigation],
                          "elevation_m": [900.0], "coastal": [False]})
    plans = pd.DataFrame({"farm_id": ["F1"], "crop": [crop], "sowing_date": [DAY - dt.timedelta(days=sown_days_ago)],
                          "expected_harvest_date": [DAY - dt.timedelta(days=sown_days_ago) + dt.timedelta(days=season_days)]})
    all_days = [DAY + dt.timedelta(days=i) for i in range(days)]
    obs_days = all_days if weather_days is None else weather_days
    obs = pd.DataFrame({"block_code": "B1", "obs_date": obs_days, "temp_min_c": 22.0, "temp_max_c": 36.0,
                        "humidity_pct": humidity, "rain_mm": rain, "wind_speed_m_s": 3.0})
    fc = pd.DataFrame({"block_code": "B1", "issued_date_ist": [d for d in all_days for _ in range(3)],
                       "forecast_date": [d + dt.timedelta(days=k) for d in all_days for k in (1, 2, 3)],
                       "lead_days": [k for _ in all_days for k in (1, 2, 3)], "rain_mm": forecast_rain})
    sensors = pd.DataFrame({"farm_id": ["F1"] if sensor_vwc is not None else [], "day": [all_days[-1]] if sensor_vwc is not None else [],
                            "vwc_pct": [sensor_vwc] if sensor_vwc is not None else []})
    return advise(farms, plans, obs, fc, sensors, all_days)


def last(adv):
    row = adv.iloc[-1]
    return row, json.loads(row["inputs"])


def test_a_dry_spell_ends_in_advice_to_refill_the_root_zone_once():
    adv = world(days=6)
    first = adv[adv["reason_code"] == "IRRIGATE"].iloc[0]
    inputs = json.loads(first["inputs"])
    assert first["model_version"] == "irrigation-fao56-v2"
    assert inputs["depletion_mm"] > inputs["raw_mm"] and inputs["net_mm"] == pytest.approx(inputs["depletion_mm"], abs=0.1)
    assert inputs["net_mm"] <= inputs["taw_mm"]
    # the advice is the gross amount: the net over the method's application efficiency (furrow, 60 %)
    assert first["amount_mm"] == pytest.approx(inputs["net_mm"] / 0.6, abs=0.1)
    assert first["amount_litres_per_acre"] == pytest.approx(first["amount_mm"] * 4046.86, rel=1e-3)
    assert inputs["et0_method"] == "penman_monteith" and inputs["stage"] == "mid_season" and inputs["kc"] == 1.15
    assert (inputs["vapour_pressure_from"], inputs["radiation_from"], inputs["wind_from"]) == ("rh_mean", "temperature_range", "measured")
    # the day after, the balance assumes the advice was followed: no second advice for the same deficit
    after = adv[adv["advisory_date"] > first["advisory_date"]]
    assert (after["reason_code"].head(1) == "NO_DEFICIT").all()


def test_rain_refills_and_forecast_rain_defers():
    row, _ = last(world(days=6, rain=40.0))
    assert row["reason_code"] == "NO_DEFICIT" and row["severity"] == "low"
    row, inputs = last(world(days=6, forecast_rain=20.0))  # 3 days x 20 mm, 80 % effective: more than the deficit
    assert row["reason_code"] == "RAIN_EXPECTED" and row["amount_mm"] == 0
    assert inputs["depletion_mm"] - 0.8 * inputs["rain_forecast_3d_mm"] <= inputs["raw_mm"] < inputs["depletion_mm"]
    # heavy rain forecast (IMD: 64.5 mm or more in a day): never irrigate, whatever the deficit
    heavy = world(days=6, forecast_rain=70.0)
    assert not (heavy["reason_code"] == "IRRIGATE").any()
    assert all(json.loads(i)["heavy_rain_forecast"] for i in heavy["inputs"])


def test_a_probe_at_field_capacity_overrides_the_balance():
    row, inputs = last(world(days=6, sensor_vwc=25.0))
    assert row["reason_code"] == "NO_DEFICIT" and inputs["sensor_vwc_pct"] == 25.0 and inputs["depletion_mm"] == 0


def test_rainfed_farms_and_missing_weather_get_their_rule():
    row, _ = last(world(days=6, irrigation="rainfed"))
    assert row["reason_code"] == "RAINFED" and row["amount_mm"] == 0 and row["severity"] == "medium"
    gap = world(days=6, weather_days=[DAY, DAY + dt.timedelta(days=1)])
    by_day = dict(zip(gap["advisory_date"], gap["reason_code"]))
    assert by_day[DAY + dt.timedelta(days=3)] != "NO_WEATHER"  # carried forward up to 3 days
    assert json.loads(gap.iloc[3]["inputs"])["weather_imputed"] is True
    assert by_day[DAY + dt.timedelta(days=5)] == "NO_WEATHER" and np.isnan(gap.iloc[-1]["amount_mm"])


def pest_world(tmin, tmax, humidity, rain, crops=("paddy", "tomato", "maize", "ragi")):
    from ml.advisories import pest_risk

    farms = pd.DataFrame({"farm_id": [f"F{i}" for i in range(len(crops))], "block_code": "B1"})
    crops_today = pd.DataFrame({"farm_id": farms["farm_id"], "crop": list(crops)})
    past = [DAY - dt.timedelta(days=k) for k in range(3)]
    obs = pd.DataFrame({"block_code": "B1", "obs_date": past, "temp_min_c": tmin, "temp_max_c": tmax,
                        "humidity_pct": humidity, "rain_mm": rain})
    fc = pd.DataFrame({"block_code": "B1", "issued_date_ist": DAY, "forecast_date": [DAY + dt.timedelta(days=k) for k in (1, 2, 3)],
                       "lead_days": [1, 2, 3], "temp_min_c": tmin, "temp_max_c": tmax, "humidity_pct": humidity, "rain_mm": rain})
    return pest_risk.advise(farms, crops_today, obs, fc, DAY)


def test_wet_humid_nights_raise_blast_and_blight_risk_only_for_their_crops():
    adv = pest_world(tmin=21.0, tmax=26.0, humidity=92.0, rain=8.0)
    by_crop = {json.loads(i)["crop"]: (t, s) for i, t, s in zip(adv["inputs"], adv["reason_code"], adv["severity"])}
    assert by_crop["paddy"] == ("BLAST_WEATHER", "high") and by_crop["tomato"] == ("LATE_BLIGHT_WEATHER", "high")
    assert "ragi" not in by_crop and "maize" not in by_crop  # ragi has no rule; maize is safe in wet cool weather
    row = json.loads(adv["inputs"].iloc[0])
    assert row["favourable_days"] == 6 and row["favourable_forecast_days"] == 3 and "conditions" in row
    assert set(adv["model_version"]) == {"pest-weather-rules-v1"}


def test_hot_dry_spells_favour_fall_armyworm_and_quiet_the_fungi():
    adv = pest_world(tmin=22.0, tmax=34.0, humidity=40.0, rain=0.0)
    assert adv[["reason_code", "severity"]].values.tolist() == [["FAW_WEATHER", "high"]]
    assert pest_world(tmin=15.0, tmax=24.0, humidity=40.0, rain=0.0).empty


def test_fertilizer_guidance_names_every_finding_with_the_most_severe_first():
    from ml.advisories import fertilizer

    base = {"card_id": "KA/1/1", "farm_id": "F1", "sample_date": dt.date(2025, 3, 1), "ph": 6.8, "ec_ds_per_m": 0.4,
            "organic_carbon_pct": 0.8, "nitrogen_kg_per_ha": 300.0, "phosphorus_kg_per_ha": 20.0, "potassium_kg_per_ha": 200.0,
            "sulphur_ppm": 15.0, "zinc_ppm": 1.0, "iron_ppm": 6.0, "copper_ppm": 1.0, "manganese_ppm": 5.0, "boron_ppm": 0.8}
    cards = pd.DataFrame([
        base,  # healthy: no advice
        {**base, "farm_id": "F2", "card_id": "KA/1/2", "ph": 5.1, "nitrogen_kg_per_ha": 210.0, "zinc_ppm": 0.4},
        {**base, "farm_id": "F3", "card_id": "KA/1/3", "sample_date": dt.date(2023, 1, 1), "ph": 9.0},  # superseded below
        {**base, "farm_id": "F3", "card_id": "KA/1/4", "sample_date": dt.date(2025, 1, 1), "phosphorus_kg_per_ha": 6.0},
    ])
    adv = fertilizer.advise(cards, DAY).set_index("farm_id")
    assert set(adv.index) == {"F2", "F3"}
    f2 = json.loads(adv.loc["F2", "inputs"])
    assert adv.loc["F2", ["reason_code", "severity"]].tolist() == ["SOIL_STRONGLY_ACIDIC", "high"]
    assert f2["findings"] == ["SOIL_STRONGLY_ACIDIC", "LOW_NITROGEN", "ZINC_DEFICIENT"] and "lime" in f2["actions"][0]
    assert adv.loc["F3", ["reason_code", "severity"]].tolist() == ["LOW_PHOSPHORUS", "medium"]  # the latest card counts


def test_crop_suitability_ranks_what_similar_farms_grow_within_agronomic_limits():
    from ml.advisories import crop_suitability

    rng = np.random.default_rng(3)
    n = 600
    farms = pd.DataFrame({"farm_id": [f"F{i}" for i in range(n)],
                          "district": np.where(np.arange(n) % 2 == 0, "MANDYA", "UDUPI"),  # south interior, coastal
                          "soil_type": "red_loam", "irrigation": "borewell", "ph": rng.uniform(5.5, 7.0, n), "organic_carbon_pct": 0.6})
    plans = pd.DataFrame({"farm_id": farms["farm_id"], "season": "rabi",
                          "crop": np.where(farms["district"] == "MANDYA", "ragi", "paddy")})
    model = crop_suitability.train(farms, plans)
    probe = pd.DataFrame({"farm_id": ["A", "B", "C"], "district": ["MANDYA", "UDUPI", "UDUPI"], "soil_type": "red_loam",
                          "irrigation": ["borewell", "borewell", "borewell"], "ph": [6.5, 6.5, 8.9], "organic_carbon_pct": 0.6})
    adv = crop_suitability.advise(model, probe, dt.date(2026, 11, 20)).set_index("farm_id")  # November: next is summer
    top = {f: json.loads(adv.loc[f, "inputs"])["top_crops"] for f in "ABC"}
    assert top["A"][0]["crop"] == "ragi" and top["B"][0]["crop"] == "paddy"
    excluded = json.loads(adv.loc["C", "inputs"])["excluded"]
    assert "paddy" in excluded and "pH 8.9" in excluded["paddy"]  # too alkaline for paddy
    assert all(t["crop"] != "paddy" for t in top["C"])
    assert set(adv["model_version"]) == {"crop-suitability-lgbm-v1"}


def test_isotonic_calibration_is_monotone_and_matches_frequencies():
    from ml.advisories.pest_model import isotonic_apply, isotonic_fit

    model = isotonic_fit(np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6]), np.array([0, 1, 0, 0, 1, 1]))
    # blocks: {0.1}: 0, {0.2, 0.3, 0.4}: 1/3 (the violators pooled), {0.5}: 1, {0.6}: 1
    out = isotonic_apply(model, np.array([0.05, 0.25, 0.4, 0.45, 0.9]))
    assert list(np.round(out, 3)) == [0.0, 0.333, 0.333, 0.667, 1.0]
    assert (np.diff(isotonic_apply(model, np.linspace(0, 1, 50))) >= 0).all()


def test_the_incident_model_learns_the_weather_signal_and_beats_the_base_rate():
    from ml.advisories.pest_model import train
    from simulator.app_activity import incident_probability

    rng = np.random.default_rng(5)
    n = 3000
    crops = rng.choice(["paddy", "tomato", "maize", "groundnut", "tur", "ragi"], n)
    w = pd.DataFrame({"date": pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 365, n), unit="D"), "crop": crops,
                      "temp_min_c": rng.uniform(15, 26, n), "humidity_pct": rng.uniform(30, 100, n), "rain_mm": rng.exponential(4, n)})
    w["temp_max_c"] = w["temp_min_c"] + rng.uniform(6, 14, n)
    truth = incident_probability(crops, w["temp_min_c"].to_numpy(), w["temp_max_c"].to_numpy(), w["humidity_pct"].to_numpy(), w["rain_mm"].to_numpy())
    w["incident"] = rng.random(n) < truth
    model = train(w)
    assert model is not None and model.useful
    assert model.brier_calibrated < model.brier_base - 0.01
    # calibrated: among the latest reports, predicted chances match what happened on average
    test = w.sort_values("date").iloc[int(n * 0.8):]
    assert abs(model.predict(test).mean() - test["incident"].mean()) < 0.05
    assert train(w.head(50)) is None  # too few reports to learn from


def test_every_kind_of_advice_is_scored_against_what_happened():
    from ml.advisories.verification import verify

    d0 = dt.date(2026, 11, 16)  # a Monday: one week
    farms = pd.DataFrame({"farm_id": ["F1", "F2", "F3"], "district": "MANDYA", "block_code": ["B1", "B1", "B2"]})
    irr = lambda farm, model, probe, reason="NO_DEFICIT", fc=0.0: {  # noqa: E731
        "farm_id": farm, "advisory_date": d0, "advisory_type": "irrigation", "severity": "low", "reason_code": reason,
        "inputs": json.dumps({"sensor_vwc_pct": 20.0 if probe is not None else None, "model_depletion_mm": model,
                              "depletion_mm": probe if probe is not None else model, "raw_mm": 30.0, "rain_forecast_3d_mm": fc})}
    pest = lambda farm, day, threat, sev="high": {"farm_id": farm, "advisory_date": day, "advisory_type": f"pest_risk_{threat}",  # noqa: E731
                                                  "severity": sev, "reason_code": "X", "inputs": "{}"}
    adv = pd.DataFrame([
        irr("F1", 40.0, 35.0),  # both say stressed: hit, error 5 mm
        irr("F2", 40.0, 10.0),  # the balance said stressed, the probe did not: false alarm, error 30 mm
        irr("F3", 10.0, 45.0),  # missed stress, error 35 mm
        irr("F1", 10.0, None, "RAIN_EXPECTED", fc=20.0),  # no probe; rain was expected in B1: 12 mm fell (>= half)
        pest("F1", d0, "rice_blast"), pest("F2", d0, "rice_blast"), pest("F3", d0, "fall_armyworm", "low")])
    feedback = pd.DataFrame({"farm_id": ["F1", "F3"], "date": [d0 + dt.timedelta(days=5), d0 + dt.timedelta(days=2)],
                             "reported_issue": ["blast", "fall_armyworm"]})
    days = [d0 + dt.timedelta(days=k) for k in range(5)]
    obs = pd.DataFrame({"block_code": [b for _ in days for b in ("B1", "B2")], "obs_date": [d for d in days for _ in (1, 2)],
                        "rain_mm": [0.0, 0.0, 12.0, 0.0, 0.0, 0.0, 0.0, 0.0, 70.0, 0.0], "temp_min_c": 20.0, "temp_max_c": 30.0,
                        "wind_speed_m_s": 3.0})
    fc = pd.DataFrame({"block_code": ["B1", "B2"], "forecast_date": [d0 + dt.timedelta(days=4), d0 + dt.timedelta(days=3)],
                       "lead_days": [2, 2], "rain_mm": [80.0, 90.0], "temp_min_c": 20.0, "temp_max_c": 30.0, "wind_speed_m_s": 3.0})
    s = verify(adv, farms, obs, fc, feedback).set_index("check")
    i = s.loc["irrigation_balance_vs_probe"]
    assert (i["advised"], i["events"], i["hits"], i["n"]) == (2, 2, 1, 3)
    assert i["precision"] == 0.5 and i["recall"] == 0.5 and i["mae_mm"] == pytest.approx((5 + 30 + 35) / 3)
    assert s.loc["rain_expected_vs_observed", "hits"] == 1 and s.loc["rain_expected_vs_observed", "precision"] == 1.0
    blast = s.loc["pest_rice_blast"]  # F1 reported blast 5 days after its alert; F2's alert was not followed
    assert (blast["advised"], blast["hits"], blast["precision"], blast["recall"]) == (2, 1, 0.5, 1.0)
    faw = s.loc["pest_fall_armyworm"]  # reported with no (medium or high) alert before it: a miss
    assert (faw["advised"], faw["events"], faw["hits"], faw["recall"]) == (0, 1, 0, 0.0) and np.isnan(faw["precision"])
    heavy = s.loc["weather_heavy_rain"]  # B1: 80 mm forecast for day 4 and 70 mm fell: a hit; B2: 90 mm forecast, none fell
    assert (heavy["advised"], heavy["events"], heavy["hits"], heavy["precision"], heavy["recall"]) == (2, 1, 1, 0.5, 1.0)
    assert set(s["district"]) == {"MANDYA"} and set(s["week_start"]) == {d0}


@pytest.mark.slow
def test_a_kharif_season_of_advice_stays_within_the_soil_and_the_crops_needs():
    """150 farmers from sowing to mid-season (the season benchmark's world, smaller): never more net water than the
    root zone holds, never irrigation with heavy rain forecast, little water for newly sown fields, a share of
    advised days an irrigating farmer would recognise, and maize's ETc on the scale of FAO's seasonal need."""
    from benchmarks.season_irrigation import world

    farms, plans, obs, fc, days = world(5, 150, dt.date(2026, 6, 1), 92)
    sensors = pd.DataFrame({"farm_id": pd.Series(dtype=str), "day": pd.Series(dtype=object), "vwc_pct": pd.Series(dtype=float)})
    adv = advise(farms, plans, obs, fc, sensors, days)
    i = pd.DataFrame([json.loads(x) for x in adv["inputs"]])
    assert (i["net_mm"] <= i["taw_mm"] + 1e-9).all()
    assert not ((adv["reason_code"] == "IRRIGATE") & i["heavy_rain_forecast"]).any()
    initial = (adv["reason_code"] == "IRRIGATE") & (i["stage"] == "initial")
    assert (adv.loc[initial, "amount_mm"] <= 1000 * (0.40 - 0.23) * ZR_INITIAL / 0.6 + 0.1).all()  # heaviest soil, furrow
    irrigated = adv["farm_id"].isin(farms.loc[farms["irrigation"] != "rainfed", "farm_id"])
    share = (adv.loc[irrigated, "reason_code"] == "IRRIGATE").mean()
    assert 0.01 < share < 0.3, share
    maize = i[(i["crop"] == "maize")].assign(farm=adv["farm_id"]).groupby("farm")["etc_mm"].sum()
    assert 0.5 * 500 < maize.median() < 800  # 92 of ~120 days: FAO's 500-800 mm for the whole season


@pytest.mark.parametrize("crop,season_days,soil", [("maize", 120, "red_loam"), ("tomato", 140, "black_cotton"),
                                                   ("groundnut", 110, "red_sandy")])
def test_crop_coefficients_roots_and_soil_water_match_pyfao56(crop, season_days, soil):
    """pyfao56 (USDA-ARS's FAO-56 implementation) on the same field and the same ET0: its single-coefficient Kc and
    ETc, root depth and total available water, day by day through the season."""
    import pyfao56

    from ml.advisories.crops import CROPS, SOILS, STAGES

    sow = dt.date(2026, 1, 1)
    days = [sow + dt.timedelta(days=k) for k in range(season_days)]
    farms = pd.DataFrame({"farm_id": ["F1"], "lat": [13.0], "block_code": ["B1"], "soil_type": [soil], "irrigation": ["rainfed"],
                          "elevation_m": [900.0], "coastal": [False]})
    plans = pd.DataFrame({"farm_id": ["F1"], "crop": [crop], "sowing_date": [sow],
                          "expected_harvest_date": [sow + dt.timedelta(days=season_days)]})
    rng = np.random.default_rng(season_days)
    obs = pd.DataFrame({"block_code": "B1", "obs_date": days, "temp_min_c": rng.uniform(14, 20, season_days),
                        "temp_max_c": rng.uniform(28, 35, season_days), "humidity_pct": rng.uniform(35, 70, season_days),
                        "rain_mm": 0.0, "wind_speed_m_s": rng.uniform(1, 4, season_days)})
    empty_fc = pd.DataFrame({"block_code": [], "issued_date_ist": [], "forecast_date": [], "lead_days": [], "rain_mm": []})
    no_probe = pd.DataFrame({"farm_id": pd.Series(dtype=str), "day": pd.Series(dtype=object), "vwc_pct": pd.Series(dtype=float)})
    ours = pd.DataFrame([json.loads(i) for i in advise(farms, plans, obs, empty_fc, no_probe, days)["inputs"]])

    ini, mid, end, zmax, p = CROPS[crop]
    lengths = [round(s * season_days) for s in STAGES[:3]]
    par = pyfao56.Parameters()
    for k, v in dict(Kcmini=ini, Kcmmid=mid, Kcmend=end, Kcbini=ini, Kcbmid=mid, Kcbend=end, Lini=lengths[0], Ldev=lengths[1],
                     Lmid=lengths[2], Lend=season_days - sum(lengths), thetaFC=SOILS[soil][0], thetaWP=SOILS[soil][1],
                     theta0=SOILS[soil][0], Zrini=ZR_INITIAL, Zrmax=zmax, pbase=p).items():
        setattr(par, k, v)
    wth = pyfao56.Weather()
    index = [f"{d.year}-{d.timetuple().tm_yday:03d}" for d in days]
    wth.wdata = pd.DataFrame({"Srad": np.nan, "Tmax": obs["temp_max_c"].to_numpy(), "Tmin": obs["temp_min_c"].to_numpy(),
                              "Vapr": np.nan, "Tdew": np.nan, "RHmax": np.nan, "RHmin": obs["humidity_pct"].to_numpy(),
                              "Wndsp": obs["wind_speed_m_s"].to_numpy(), "Rain": 0.0, "ETref": ours["et0_mm"].to_numpy(),
                              "MorP": "M"}, index=index)
    model = pyfao56.Model(index[0], index[-1], par, wth)
    model.run()
    theirs = model.odata
    # interior days (a stage boundary rounds to a different day by at most one)
    np.testing.assert_allclose(ours["kc"].to_numpy(), theirs["Kcm"].to_numpy(float), atol=0.03)
    np.testing.assert_allclose(ours["etc_mm"].to_numpy(), theirs["ETcm"].to_numpy(float), atol=0.15)
    np.testing.assert_allclose(ours["root_depth_m"].to_numpy(), theirs["Zr"].to_numpy(float), atol=0.03)
    np.testing.assert_allclose(ours["taw_mm"].to_numpy(), theirs["TAW"].to_numpy(float), atol=3.0)
