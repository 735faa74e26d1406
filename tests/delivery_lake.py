"""A hand-made lake small enough to know every answer: seven farmers (kn, en, hi; opted out, on the
DND list, a malformed number, deleted, nothing to say), two FPOs, their admins and a platform admin,
advisories, a storm in block B1, forecasts and prices at two mandis. Shared by the SMS and API tests."""

import datetime as dt

import pyarrow as pa

from lake.catalog import table as lake_table
from lake import delta_io
from lake.catalog import TableSpec
from lake.tables import ADVISORY_VERIFICATION, LOAD_LOG, FARM_ADVISORIES, PRICE_FORECAST_CHAMPIONS, PRICE_FORECASTS, SMS_DND

DAY = dt.date(2026, 11, 24)  # a Tuesday: a digest day
MORNING = dt.datetime(2026, 11, 24, 4, 0, tzinfo=dt.timezone.utc)  # 09:30 IST


def _write(name: str, rows: list[dict], schema: pa.Schema | None = None) -> None:
    data = pa.Table.from_pylist(rows, schema=schema) if schema else pa.Table.from_pylist(rows)
    delta_io.replace_all(TableSpec(name, data.schema, ""), data)


def tiny_lake() -> None:
    ts = dt.datetime(2026, 11, 1, tzinfo=dt.timezone.utc)
    farmer = lambda fid, lang, phone, block, opt=False, deleted=False: {  # noqa: E731
        "farmer_id": fid, "phone": phone, "language": lang, "sms_opt_out": opt, "is_deleted": deleted, "block_code": block,
        "name": f"Farmer {fid}", "village": "Village-1", "district": "MANDYA"}
    _write("silver.app__farmers", [
        farmer("F1", "kn", "+919800000001", "B1"), farmer("F2", "en", "+919800000002", "B2"),
        farmer("F3", "hi", "+919800000003", "B2", opt=True), farmer("F4", "en", "+919800000004", "B2"),
        farmer("F5", "en", "12345", "B2"), farmer("F6", "en", "+919800000006", "B2", deleted=True),
        farmer("F7", "hi", "+919800000007", "B2")])
    _write("silver.app__farms", [
        {"farm_id": f"FA{i}", "farmer_id": f"F{i}", "lat": 12.5, "lon": 76.9, "block_code": "B1" if i == 1 else "B2",
         "area_acres": 2.0, "soil_type": "red_loam", "irrigation": "drip", "district": "MANDYA", "is_deleted": False}
        for i in range(1, 8)])
    _write("silver.app__crop_plans", [
        {"farm_id": f"FA{i}", "crop": "paddy" if i == 1 else "maize", "area_acres": 2.0, "season": "rabi", "crop_year": 2026,
         "is_deleted": False,
         "sowing_date": dt.date(2026, 9, 1), "expected_harvest_date": dt.date(2027, 1, 15)} for i in (1, 2, 3, 4, 5)])
    fc = lambda block, day, rain: {"block_code": block, "issued_at": ts, "issued_date_ist": DAY, "forecast_date": day,  # noqa: E731
                                   "lead_days": (day - DAY).days, "rain_mm": rain, "temp_min_c": 20.0, "temp_max_c": 30.0,
                                   "wind_speed_m_s": 3.0}
    _write("silver.weather__forecasts", [fc("B1", DAY + dt.timedelta(days=2), 130.0), fc("B2", DAY + dt.timedelta(days=2), 5.0)])
    adv = lambda farm, typ, sev, reason, mm=None, inputs="{}": {  # noqa: E731
        "farm_id": farm, "advisory_date": DAY, "advisory_type": typ, "severity": sev, "reason_code": reason, "amount_mm": mm,
        "inputs": inputs, "model_version": "v1", "generated_at": ts}
    _write("gold.farm_advisories", [
        adv("FA1", "pest_risk_rice_blast", "high", "BLAST_WEATHER", inputs='{"threat": "rice_blast", "crop": "paddy"}'),
        adv("FA1", "irrigation", "medium", "IRRIGATE", 25.0), adv("FA2", "irrigation", "medium", "IRRIGATE", 12.4),
        adv("FA3", "irrigation", "low", "NO_DEFICIT", 0.0), adv("FA4", "irrigation", "low", "NO_DEFICIT", 0.0),
        adv("FA5", "irrigation", "low", "NO_DEFICIT", 0.0)], FARM_ADVISORIES.schema)
    _write("gold.price_forecasts", [
        {"series_id": f"M{m}|{c}", "mandi_key": f"M{m}", "commodity": c, "forecast_date": DAY + dt.timedelta(days=7),
         "horizon": 8, "yhat": 2000.0, "model_version": "naive-test", "lo80": 1900.0 + m, "hi80": 2100.0 + m, "model": "naive", "is_champion": True,
         "interval_basis": "conformal", "trained_through": DAY - dt.timedelta(days=1)} for m in (1, 2) for c in ("paddy", "maize")],
        PRICE_FORECASTS.schema)
    _write("gold.advisory_verification", [
        {"check": "irrigation_balance_vs_probe", "district": "MANDYA", "week_start": DAY - dt.timedelta(days=DAY.weekday()),
         "advised": 4, "events": 5, "hits": 3, "precision": 0.75, "recall": 0.6, "mae_mm": 6.5, "n": 9, "generated_at": ts}],
        ADVISORY_VERIFICATION.schema)
    _write("gold.price_forecast_champions", [
        {"series_id": f"M{m}|{c}", "champion_model": "naive", "reason": "naive_not_beaten", "champion_rel_mae_naive_h1_30": 1.0,
         "champion_coverage80_h1_30": 0.8, "backtest_days": 240, "trained_through": DAY - dt.timedelta(days=1)}
        for m in (1, 2) for c in ("paddy", "maize")],
        PRICE_FORECAST_CHAMPIONS.schema)
    _write("gold.fct_mandi_prices_daily", [
        {"mandi_key": f"M{m}", "commodity": c, "arrival_date": DAY - dt.timedelta(days=1), "modal_price_rs_per_qtl": 2000.0 + m,
         "min_price_rs_per_qtl": 1900.0, "max_price_rs_per_qtl": 2100.0, "arrivals_tonnes": 10.0,
         "is_outlier": False} for m in (1, 2) for c in ("paddy", "maize")])
    _write("gold.dim_mandi", [{"mandi_code": "M1", "mandi_name": "Mandya", "district": "MANDYA", "lat": 12.52, "lon": 76.9},
                              {"mandi_code": "M2", "mandi_name": "Far Away", "district": "HAVERI", "lat": 15.0, "lon": 75.0}])
    delta_io.merge(SMS_DND, pa.Table.from_pylist([{"phone": "+919800000004", "source": "ncpr", "added_at": ts}], schema=SMS_DND.schema))
    # the app's users and FPOs: F1, F2 in FPO1 (admin U_A1), F3..F7 in FPO2 (admin U_A2)
    users = [{"user_id": f"U{i}", "role": "farmer", "is_deleted": False} for i in range(1, 8)]
    users += [{"user_id": "U_A1", "role": "fpo_admin", "is_deleted": False}, {"user_id": "U_A2", "role": "fpo_admin", "is_deleted": False},
              {"user_id": "U_PA", "role": "platform_admin", "is_deleted": False},
              {"user_id": "U_CB", "role": "certification_body", "is_deleted": False},
              {"user_id": "U_GONE", "role": "platform_admin", "is_deleted": True}]
    _write("silver.app__users", users)
    farmers = delta_io.read_arrow(lake_table("silver.app__farmers")).to_pylist()
    _write("silver.app__farmers", [{**f, "user_id": "U" + f["farmer_id"][1:]} for f in farmers])
    _write("silver.app__fpos", [{"fpo_id": "FPO1", "admin_user_id": "U_A1"}, {"fpo_id": "FPO2", "admin_user_id": "U_A2"}])
    members = [{"farmer_id": f"F{i}", "fpo_id": "FPO1" if i <= 2 else "FPO2", "membership_id": f"M{i}",
                "joined_on": dt.date(2025, 1, 1)} for i in range(1, 8)]
    _write("silver.app__fpo_memberships", [{**m, "status": "active", "is_deleted": False} for m in members])
    _write("silver.app__current_memberships", members)  # what dbt's one current-membership rule makes of them
    _write("gold.mart_fpo_overview", [
        {"fpo_id": fpo, "fpo_name": f"{fpo} Organic", "district": "MANDYA", "crop_year": 2026, "season": "rabi", "crop": crop,
         "farms": 1, "area_acres": 2.0, "harvest_due_30d_acres": 0.0, "next_harvest_date": dt.date(2027, 1, 15),
         "members_active": n, "orders_30d": 3, "revenue_30d_rs": 1200.0, "applications_certified": 1,
         "applications_open": 0, "applications_rejected": 0}
        for fpo, crop, n in (("FPO1", "paddy", 2), ("FPO1", "maize", 2), ("FPO2", "maize", 5))])
    # the lake was last loaded on DAY: the as-of day of gold and of the serving tables
    _write("ops.load_log", [{"source": "app", "source_file": f"app/{DAY}/farmers.jsonl", "file_sha256": "0" * 64,
                             "file_bytes": 1, "rows_read": 1, "rows_written": 1, "rows_quarantined": 0, "status": "loaded",
                             "message": None, "load_id": "L1", "loaded_at": ts, "landing_date": DAY}], LOAD_LOG.schema)
    # certification: FPO1's F1 stuck at inspection for 40 days (overdue), FPO2's F3 just submitted
    today = DAY
    _write("silver.app__certification_applications", [
        {"application_id": "CA1", "farmer_id": "F1", "fpo_id": "FPO1", "scheme": "PGS-India", "applied_on": today - dt.timedelta(days=60),
         "status": "inspection_scheduled", "is_deleted": False},
        {"application_id": "CA3", "farmer_id": "F3", "fpo_id": "FPO2", "scheme": "NPOP", "applied_on": today - dt.timedelta(days=2),
         "status": "submitted", "is_deleted": False}])
    _write("silver.app__certification_status_events", [
        {"event_id": "E1", "application_id": "CA1", "status": "inspection_scheduled",
         "event_at": dt.datetime.combine(today - dt.timedelta(days=40), dt.time(), dt.timezone.utc)},
        {"event_id": "E3", "application_id": "CA3", "status": "submitted",
         "event_at": dt.datetime.combine(today - dt.timedelta(days=2), dt.time(), dt.timezone.utc)}])
    # sensors: FA1's probe has a low battery, FA2's is stuck (gold's daily flags say so), FA3's is fine
    probes = (("SM1", "FA1", 3.1, False), ("SM2", "FA2", 3.9, True), ("SM3", "FA3", 3.9, False))
    _write("silver.sensors__readings", [
        {"sensor_id": s_, "farm_id": f, "reading_ts_utc": ts, "soil_moisture_vwc_pct": 25.0, "battery_v": b}
        for s_, f, b, _ in probes])
    _write("gold.fct_sensor_daily", [
        {"sensor_id": s_, "date_day": ts.date(), "is_stuck_day": stuck, "has_spikes": False, "is_low_battery": b < 3.5}
        for s_, _, b, stuck in probes])
