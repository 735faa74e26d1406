"""Every lake table that Python writes, declared once: bronze (one block per source family), the
quarantine and load log, and the ML and delivery tables. Silver and gold are dbt's models, declared
in their YAML; `lake/catalog.py` looks up both.

Bronze keeps the payload as sent (original meaning, typed only as far as parsing needs) plus
the load metadata from `lake.spec.LOAD_METADATA`.
"""

from __future__ import annotations

import pyarrow as pa

from lake.spec import LOAD_METADATA, QUARANTINE_SCHEMA, UTC_TS, TableSpec

F64, I64, STR, DATE, BOOL = pa.float64(), pa.int64(), pa.string(), pa.date32(), pa.bool_()

DECLARED: list[TableSpec] = []  # in declaration order; lake/catalog.py indexes it

# The source families: each lands files, fills bronze tables and has one quarantine table.
SOURCE_FAMILIES: dict[str, str] = {
    "sensors": "Field sensor readings (bronze), loaded from InfluxDB line protocol and CSV exports.",
    "weather": "Weather provider payloads (bronze): observations and forecast vintages per block.",
    "mandi_prices": "Agmarknet mandi prices (bronze), as exported.",
    "soil_health": "Soil Health Card data (bronze).",
    "crop_statistics": "District crop statistics (area, production, yield) as the government publishes them (bronze).",
    "app": "The app's PostgreSQL tables as extracted (bronze): one row per extracted row version.",
}
PERSONAL_SOURCES = {"app", "soil_health"}  # rows name farmers or their farms


def declare(spec: TableSpec) -> TableSpec:
    DECLARED.append(spec)
    return spec


def bronze(name: str, source: str, fields: list[tuple[str, pa.DataType]], key: tuple[str, ...], description: str) -> TableSpec:
    schema = pa.schema(fields + list(LOAD_METADATA))
    return declare(TableSpec(f"bronze.{name}", schema, description, ("landing_date",), key, source,
                             personal_data=source in PERSONAL_SOURCES, written_by="ingestion/bronze.py"))


for _source in SOURCE_FAMILIES:
    declare(TableSpec(
        f"bronze.quarantine_{_source}", QUARANTINE_SCHEMA,
        f"Rows and files from the {_source} source that could not be parsed or broke a hard rule, "
        "with the reason and where they were in the source.",
        ("landing_date",), (), _source, personal_data=_source in PERSONAL_SOURCES, written_by="ingestion/bronze.py"))

LOAD_LOG = declare(TableSpec(
    "ops.load_log",
    pa.schema([("source", STR), ("source_file", STR), ("file_sha256", STR), ("file_bytes", I64), ("rows_read", I64),
               ("rows_written", I64), ("rows_quarantined", I64),
               ("status", STR),  # loaded | rejected | duplicate
               ("message", STR), ("load_id", STR), ("loaded_at", UTC_TS), ("landing_date", DATE)]),
    "One row per landing file per load: the row accounting (rows_read = rows_written + "
    "rows_quarantined) and what happened to the file.",
    ("source",), ("source", "source_file"), written_by="ingestion/bronze.py"))

# --- sensors: InfluxDB line protocol (and the ThingSpeak-style CSV export of older deployments)
SENSOR_READINGS = bronze(
    "sensor_readings",
    "sensors",
    [
        ("measurement", STR),
        ("sensor_id", STR),
        ("farm_id", STR),
        ("reading_ts", UTC_TS),
        ("soil_moisture_vwc_pct", F64),
        ("soil_temperature_c", F64),
        ("ec_ds_per_m", F64),
        ("battery_v", F64),
    ],
    ("sensor_id", "reading_ts"),
    "Field sensor points as written to InfluxDB: one row per point (sensor x timestamp), "
    "fields that the point did not carry are null.",
)

# --- weather: OpenWeatherMap-style JSON (One Call daily forecast, day_summary observations)
WEATHER_OBSERVATIONS = bronze(
    "weather_observations",
    "weather",
    [
        ("provider", STR),
        ("block_code", STR),
        ("lat", F64),
        ("lon", F64),
        ("obs_date", DATE),
        ("temp_min_c", F64),
        ("temp_max_c", F64),
        ("humidity_pct", F64),
        ("rain_mm", F64),
        ("wind_speed_m_s", F64),
        ("fetched_at", UTC_TS),
    ],
    ("provider", "block_code", "obs_date"),
    "Daily weather observed per block, as reported by the provider.",
)
WEATHER_FORECASTS = bronze(
    "weather_forecasts",
    "weather",
    [
        ("provider", STR),
        ("block_code", STR),
        ("lat", F64),
        ("lon", F64),
        ("issued_at", UTC_TS),
        ("forecast_date", DATE),
        ("temp_min_c", F64),
        ("temp_max_c", F64),
        ("humidity_pct", F64),
        ("rain_mm", F64),
        ("rain_probability_pct", F64),
        ("wind_speed_m_s", F64),
    ],
    ("provider", "block_code", "issued_at", "forecast_date"),
    "Daily forecasts per block, one row per forecast day of each issued forecast (vintage).",
)

# --- mandi prices: Agmarknet exports
MANDI_PRICES = bronze(
    "mandi_prices",
    "mandi_prices",
    [
        ("market", STR),
        ("state", STR),  # as the data.gov.in API reports them; the CSV exports do not say
        ("district", STR),
        ("commodity", STR),
        ("variety", STR),
        ("arrival_date", DATE),
        ("arrivals_tonnes", F64),
        ("min_price_rs_per_qtl", F64),
        ("max_price_rs_per_qtl", F64),
        ("modal_price_rs_per_qtl", F64),
        ("source_format", STR),  # agmarknet_export | wholesale_monthly
    ],
    ("market", "commodity", "variety", "arrival_date"),
    "Daily wholesale prices per mandi, commodity and variety as Agmarknet reports them (Rs/quintal).",
)

# --- government: Soil Health Cards
SOIL_HEALTH_CARDS = bronze(
    "soil_health_cards",
    "soil_health",
    [
        ("card_id", STR),
        ("farm_id", STR),
        ("sample_date", DATE),
        ("district", STR),
        ("block", STR),
        ("village", STR),
        ("ph", F64),
        ("ec_ds_per_m", F64),
        ("organic_carbon_pct", F64),
        ("nitrogen_kg_per_ha", F64),
        ("phosphorus_kg_per_ha", F64),
        ("potassium_kg_per_ha", F64),
        ("sulphur_ppm", F64),
        ("zinc_ppm", F64),
        ("iron_ppm", F64),
        ("copper_ppm", F64),
        ("manganese_ppm", F64),
        ("boron_ppm", F64),
    ],
    ("card_id",),
    "Soil Health Card test results per farm sample, as issued by the soil testing lab.",
)

# Class names of the public Soil Health Card dashboard; "None" is the dashboard's unlabelled
# parameter (organic carbon, by its classes and position).
SHC_CLASS_COLUMNS: dict[str, str] = {
    "Nitrogen High": "nitrogen_high", "Nitrogen Medium": "nitrogen_medium", "Nitrogen Low": "nitrogen_low",
    "Phosphorus High": "phosphorus_high", "Phosphorus Medium": "phosphorus_medium", "Phosphorus Low": "phosphorus_low",
    "Potassium High": "potassium_high", "Potassium Medium": "potassium_medium", "Potassium Low": "potassium_low",
    "Sulphur Sufficient": "sulphur_sufficient", "Sulphur Deficient": "sulphur_deficient",
    "None High": "organic_carbon_high", "None Medium": "organic_carbon_medium", "None Low": "organic_carbon_low",
    "pH Alkaline": "ph_alkaline", "pH Acidic": "ph_acidic", "pH Neutral": "ph_neutral",
    "EC Saline": "ec_saline", "EC Deficient": "ec_deficient",
    "Iron Sufficient": "iron_sufficient", "Iron Deficient": "iron_deficient",
    "Zinc Sufficient": "zinc_sufficient", "Zinc Deficient": "zinc_deficient",
    "Copper Sufficient": "copper_sufficient", "Copper Deficient": "copper_deficient",
    "Boron Sufficient": "boron_sufficient", "Boron Deficient": "boron_deficient",
    "Manganese Sufficient": "manganese_sufficient", "Manganese Deficient": "manganese_deficient",
}
SOIL_HEALTH_VILLAGE_CLASSES = bronze(
    "soil_health_village_classes",
    "soil_health",
    [
        ("report_year", STR),
        ("district", STR),
        ("block", STR),
        ("block_code", STR),
        ("village", STR),
        ("file_kind", STR),  # macro | micro
    ]
    + [(c, I64) for c in SHC_CLASS_COLUMNS.values()],
    ("report_year", "block_code", "village", "file_kind"),
    "Soil Health Card dashboard: number of soil samples per nutrient class, per village.",
)

# --- government: district crop statistics (Directorate of Economics and Statistics, "Area, Production
# and Yield"), as the APY export and data.gov.in's crop production table publish them
CROP_STATISTICS = bronze(
    "crop_statistics",
    "crop_statistics",
    [
        ("district", STR),  # normalised to the reference district names (old names mapped)
        ("district_as_reported", STR),
        ("crop", STR),
        ("crop_year", I64),  # first calendar year of the agricultural year: 2019 for "2019-20"
        ("season", STR),  # kharif | rabi | summer | whole_year | autumn | winter
        ("area_ha", F64),
        ("production", F64),
        ("production_units", STR),  # Tonnes, or Nuts (coconut), Bales (cotton) as published
        ("yield_per_ha", F64),
        ("source_format", STR),  # des_apy | datagovin_crop_production
    ],
    ("district", "crop", "crop_year", "season"),
    "Area, production and yield per district, crop, agricultural year and season, as the government publishes them.",
)

# --- the app's PostgreSQL: tables as `COPY ... TO STDOUT (FORMAT csv, HEADER)` writes them
APP_TABLES: dict[str, list[tuple[str, pa.DataType]]] = {
    "users": [("user_id", STR), ("role", STR), ("phone", STR), ("language", STR),
              ("created_at", UTC_TS), ("updated_at", UTC_TS), ("deleted_at", UTC_TS)],
    "fpos": [("fpo_id", STR), ("name", STR), ("district", STR), ("block_code", STR),
             ("registered_on", DATE), ("admin_user_id", STR), ("updated_at", UTC_TS)],
    "farmers": [("farmer_id", STR), ("user_id", STR), ("name", STR), ("phone", STR), ("language", STR),
                ("district", STR), ("block_code", STR), ("village", STR), ("sms_opt_out", BOOL),
                ("created_at", UTC_TS), ("updated_at", UTC_TS), ("deleted_at", UTC_TS)],
    "fpo_memberships": [("membership_id", STR), ("fpo_id", STR), ("farmer_id", STR), ("joined_on", DATE),
                        ("status", STR), ("updated_at", UTC_TS)],
    "farms": [("farm_id", STR), ("farmer_id", STR), ("area_acres", F64), ("lat", F64), ("lon", F64),
              ("district", STR), ("block_code", STR), ("soil_type", STR), ("irrigation", STR),
              ("updated_at", UTC_TS)],
    "crop_plans": [("crop_plan_id", STR), ("farm_id", STR), ("season", STR), ("crop_year", I64), ("crop", STR),
                   ("area_acres", F64), ("sowing_date", DATE), ("expected_harvest_date", DATE),
                   ("updated_at", UTC_TS)],
    "products": [("product_id", STR), ("name", STR), ("category", STR), ("unit", STR), ("price_rs", F64),
                 ("updated_at", UTC_TS)],
    "orders": [("order_id", STR), ("farmer_id", STR), ("fpo_id", STR), ("ordered_at", UTC_TS), ("status", STR),
               ("total_rs", F64), ("updated_at", UTC_TS)],
    "order_items": [("order_item_id", STR), ("order_id", STR), ("product_id", STR), ("quantity", F64),
                    ("unit_price_rs", F64), ("updated_at", UTC_TS)],
    "certification_applications": [("application_id", STR), ("farmer_id", STR), ("fpo_id", STR),
                                   ("scheme", STR), ("applied_on", DATE), ("status", STR),
                                   ("updated_at", UTC_TS)],
    "certification_status_events": [("event_id", STR), ("application_id", STR), ("status", STR),
                                     ("event_at", UTC_TS), ("note", STR)],
    "advisory_feedback": [("feedback_id", STR), ("farmer_id", STR), ("farm_id", STR), ("advisory_type", STR),
                          ("reported_issue", STR), ("rating", I64), ("created_at", UTC_TS)],
    "call_logs": [("call_id", STR), ("farmer_id", STR), ("started_at", UTC_TS), ("duration_s", I64),
                  ("language", STR), ("intent", STR)],
    # not a PostgreSQL table: keys found gone from the app database by the extractor's key reconciliation
    # (hard deletes), one row per table and key; silver marks those rows deleted
    "deleted_keys": [("deletion_id", STR), ("table_name", STR), ("key", STR), ("detected_at", UTC_TS)],
}
# What the app's own constraints allow, per column name wherever it appears (the app's CHECKs): a row
# outside is quarantined with the bound it broke. Timestamps may not be later than the load.
APP_BOUNDS: dict[str, tuple[float, float]] = {
    "area_acres": (0.0, 10_000.0), "lat": (-90.0, 90.0), "lon": (-180.0, 180.0), "price_rs": (0.0, 10_000_000.0),
    "total_rs": (0.0, 100_000_000.0), "unit_price_rs": (0.0, 10_000_000.0), "quantity": (0.0, 1_000_000.0),
    "rating": (1, 5), "duration_s": (0, 86_400), "crop_year": (1990, 2100),
}
# Columns a newer app database has that the declaration above does not yet: kept per row as a JSON
# object {column: text} in `extra_columns`, so nothing is lost until the column is declared.
EXTRA_COLUMNS = "extra_columns"

APP = {
    name: bronze(
        f"app_{name}",
        "app",
        cols + [(EXTRA_COLUMNS, STR)],
        (cols[0][0],),
        "Keys the extractor found gone from the app's PostgreSQL (hard deletes), per table and key, with when."
        if name == "deleted_keys" else
        f"The app's `{name}` table as extracted from PostgreSQL (one row per extracted row version).",
    )
    for name, cols in APP_TABLES.items()
}

# --- gold, written by ml/forecast (not by dbt): price forecasts, their backtests and champions
_ML_META = [("model_version", STR), ("generated_at", UTC_TS)]
PRICE_FORECASTS = declare(TableSpec(
    "gold.price_forecasts",
    pa.schema([("series_id", STR), ("mandi_key", STR), ("commodity", STR), ("forecast_date", DATE), ("horizon", I64),
               ("yhat", F64), ("lo80", F64), ("hi80", F64), ("lo95", F64), ("hi95", F64), ("model", STR),
               ("interval_basis", STR), ("note", STR), ("is_champion", BOOL), ("trained_from", DATE),
               ("trained_through", DATE), ("last_price_date", DATE)] + _ML_META),
    "Modal price forecasts (Rs/quintal) per mandi x commodity, 30 days ahead with 80 % and 95 % intervals: every "
    "model's forecast, the series' champion flagged. interval_basis: conformal (from the model's own backtest "
    "errors) or random_walk (too few errors yet); note: why a model's forecast was replaced by the naive (guard). "
    "trained_through is the forecast origin (the run's last priced day), last_price_date the series' own. One row "
    "per series, model, origin and forecast day.",
    (), ("series_id", "model", "trained_through", "forecast_date"), audience="analyst", written_by="ml/forecast/run.py"))
PRICE_FORECAST_BACKTESTS = declare(TableSpec(
    "gold.price_forecast_backtests",
    pa.schema([("series_id", STR), ("model", STR), ("cutoff", DATE), ("window", STR), ("mae", F64), ("mase", F64),
               ("rel_mae_naive", F64), ("rel_mae_seasonal_naive", F64), ("smape", F64),
               ("coverage80", F64), ("coverage95", F64), ("n", I64)] + _ML_META),
    "Rolling-origin backtest scores per series, model, cutoff and horizon band (h1_7, h8_14, h15_30, h1_30): MAE "
    "(Rs/quintal), MASE (scaled by the in-sample one-step naive MAE), MAE relative to the naive and to the seasonal "
    "naive on the same days, sMAPE (%), coverage of the intervals the run would have published at that cutoff.",
    (), ("series_id", "model", "cutoff", "window"), audience="analyst", written_by="ml/forecast/run.py"))
PRICE_FORECAST_CHAMPIONS = declare(TableSpec(
    "gold.price_forecast_champions",
    pa.schema([("series_id", STR), ("champion_model", STR), ("reason", STR), ("champion_rel_mae_naive_h1_30", F64),
               ("champion_mase_h1_30", F64), ("naive_mase_h1_30", F64), ("champion_coverage80_h1_30", F64),
               ("backtest_days", I64), ("trained_through", DATE)] + _ML_META),
    "The model chosen per series on backtests: the promoted model with the lowest MAE relative to the naive over "
    "days 1-30 if it beat the naive, else the naive (reason says which, or names the series rule: short, constant "
    "or gappy series). Per forecast origin.",
    (), ("series_id", "trained_through"), audience="analyst", written_by="ml/forecast/run.py"))
PRICE_FORECAST_MODELS = declare(TableSpec(
    "gold.price_forecast_models",
    pa.schema([("model_version", STR), ("model", STR), ("params", STR), ("trained_from", DATE), ("trained_through", DATE),
               ("data_fingerprint", STR), ("backtest_cutoffs", I64), ("backtest_step_days", I64),
               ("median_rel_mae_naive_h1_30", F64), ("median_rel_mae_naive_h1_7", F64), ("median_mase_h1_30", F64),
               ("coverage80_h1_7", F64), ("coverage80_h8_14", F64), ("coverage80_h15_30", F64),
               ("coverage95_h1_7", F64), ("coverage95_h8_14", F64), ("coverage95_h15_30", F64),
               ("backtest", STR), ("promoted", BOOL), ("generated_at", UTC_TS)]),
    "Model versions: parameters, training window, data fingerprint, backtest accuracy (median MAE relative to the "
    "naive, MASE; interval coverage per horizon band; all bands in `backtest`, JSON) and whether it was promoted "
    "(a model whose median relative MAE is not below the naive's is not used).",
    (), ("model_version",), audience="analyst", written_by="ml/forecast/run.py"))
PRICE_FORECAST_VS_ACTUAL = declare(TableSpec(
    "gold.price_forecast_vs_actual",
    pa.schema([("series_id", STR), ("model", STR), ("is_champion", BOOL), ("trained_through", DATE), ("forecast_date", DATE),
               ("horizon", I64), ("yhat", F64), ("lo80", F64), ("hi80", F64), ("lo95", F64), ("hi95", F64),
               ("interval_basis", STR), ("actual", F64), ("abs_error", F64), ("in_80", BOOL), ("in_95", BOOL)]),
    "Every stored forecast next to the actual modal price once it arrived (actual null until then).",
    (), ("series_id", "model", "trained_through", "forecast_date"), audience="analyst", written_by="ml/forecast/run.py"))

# --- gold, written by ml/advisories: one row per farm, day and advisory type
FARM_ADVISORIES = declare(TableSpec(
    "gold.farm_advisories",
    pa.schema([("farm_id", STR), ("advisory_date", DATE), ("advisory_type", STR), ("severity", STR), ("reason_code", STR),
               ("amount_mm", F64), ("amount_litres_per_acre", F64), ("inputs", STR), ("model_version", STR),
               ("generated_at", UTC_TS)]),
    "Advice per farm and day (irrigation first): severity, a reason code, the amount where one applies, the inputs "
    "it used (JSON) and the model version, so a digest or an analyst can explain it. Operational: keyed by the app's "
    "farm id for delivery, not an analyst mart.",
    (), ("farm_id", "advisory_date", "advisory_type"), audience="service", personal_data=True,
    written_by="ml/advisories/run.py"))

ADVISORY_VERIFICATION = declare(TableSpec(
    "gold.advisory_verification",
    pa.schema([("check", STR), ("district", STR), ("week_start", DATE), ("advised", I64), ("events", I64), ("hits", I64),
               ("precision", F64), ("recall", F64), ("mae_mm", F64), ("n", I64), ("generated_at", UTC_TS)]),
    "Every advisory scored against what happened, per check, district and week (ml/advisories/verification.py): "
    "irrigation_balance_vs_probe (the water balance before a trusted probe reset it, against the probe: precision and "
    "recall of 'stressed', depletion MAE in mm), rain_expected_vs_observed, pest_<threat> (alerts against farmers' "
    "reports within 14 days), weather_<kind> (severe forecasts against observed weather). No personal data: districts only.",
    (), ("check", "district", "week_start"), audience="analyst", written_by="ml/advisories/verification.py"))

# --- delivery, written by sms/: the SMS outbox (the only lake table with farmers' phone numbers besides
# the app's bronze/silver copies) and the do-not-disturb scrub list
SMS_OUTBOX = declare(TableSpec(
    "ops.sms_outbox",
    pa.schema([("message_id", STR), ("farmer_id", STR), ("phone", STR), ("kind", STR), ("digest_date", DATE),
               ("template_id", STR), ("language", STR), ("text", STR), ("encoding", STR), ("segments", I64),
               ("blocks", STR), ("dropped_blocks", STR), ("scheduled_at", UTC_TS), ("status", STR), ("status_reason", STR),
               ("attempts", I64), ("provider", STR), ("provider_message_id", STR), ("sent_at", UTC_TS),
               ("delivered_at", UTC_TS), ("created_at", UTC_TS), ("updated_at", UTC_TS)]),
    "One row per SMS to a farmer (digest or severe-weather alert): rendered text, its DLT template, segments, when "
    "it may be sent and what became of it (queued, suppressed, sent, delivered, undelivered, rejected, failed). "
    "message_id is derived from farmer, kind and date, so a rerun never queues a second copy; it is also the "
    "gateway idempotency key.",
    (), ("message_id",), personal_data=True, written_by="sms/digest.py"))
SMS_DND = declare(TableSpec(
    "ops.sms_dnd",
    pa.schema([("phone", STR), ("source", STR), ("added_at", UTC_TS)]),
    "Numbers not to send to (the operator's NCPR do-not-disturb scrub and the platform's own list), E.164.",
    (), ("phone",), personal_data=True, written_by="hasiru/cli_delivery.py (hasiru sms-dnd)"))

# --- written by the pulling connectors (ingestion/connectors/)
WATERMARKS = declare(TableSpec(
    "ops.source_watermarks",
    pa.schema([("source", pa.string()), ("stream", pa.string()), ("watermark", UTC_TS), ("watermark_key", pa.string()),
               ("updated_at", UTC_TS), ("detail", pa.string())]),
    "How far each connector has pulled each stream (an InfluxDB measurement, a PostgreSQL table, an API): the "
    "time up to which everything is landed, and for keyset pagination the last key at that time.",
    (), ("source", "stream"), written_by="ingestion/connectors/"))
