"""The analysts' Superset dashboards as code.

CHARTS and DASHBOARDS below are the source; `python -m dashboards.superset.assets` writes them, with the
database and the datasets (columns read from the published serving database), as Superset's export
bundle under dashboards/superset/bundle/ (YAML, committed; tests/test_superset.py checks the two
agree). The provisioner zips the bundle, puts the serving file's path into the database URI and
imports it on every start (POST /api/v1/assets/import/, overwriting), then gives each chart the query
context the chart-data API answers from.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import yaml

BUNDLE = Path(__file__).with_name("bundle")
DATABASE_NAME = "Hasiru serving"
SERVING_PATH_PLACEHOLDER = "__HASIRU_SERVING_PATH__"
NS = uuid.UUID("6f1c4c1e-7c55-4a43-9d5e-1c8a0d6b2a11")  # stable uuids from names


def uid(kind: str, name: str) -> str:
    return str(uuid.uuid5(NS, f"{kind}:{name}"))


def sql_metric(label: str, expression: str) -> dict:
    return {"expressionType": "SQL", "sqlExpression": expression, "label": label, "hasCustomLabel": True,
            "optionName": f"metric_{uid('metric', label)[:8]}"}


FARMERS = sql_metric("farmers", "COUNT(*)")  # a count named for what it counts, in legends and headers

INT, ONE, RS, PCT = ",d", ",.1f", ",.0f", ".0f"  # d3 formats: counts, acres and mm, rupees, percentages

# name -> dataset, viz type, query: groupby/columns, metrics, order, row limit, extra form data;
# formats: column or metric label -> d3 number format (every number a chart shows has one)
CHARTS: dict[str, dict] = {
    "Modal price by commodity": dict(
        dataset="fct_mandi_prices_daily", viz="echarts_timeseries_line", x_axis="arrival_date", groupby=["commodity"],
        # a log scale: onion at Rs 1,500 and arecanut at Rs 45,000 move on comparable scales (equal steps: equal ratios)
        metrics=[sql_metric("mean modal price (Rs/q, log scale)", "AVG(modal_price_rs_per_qtl)")], row_limit=10000,
        y_format=RS, extra={"logAxis": True}),
    "Forecasts with intervals and actuals": dict(
        dataset="price_forecast_vs_actual", viz="table", raw=True,
        columns=["mandi", "commodity", "model", "forecast_date", "horizon", "yhat", "lo80", "hi80", "lo95", "hi95", "actual", "in_80"],
        where="is_champion", order=[("forecast_date", True)], row_limit=1000,
        formats={"horizon": INT, **{c: RS for c in ("yhat", "lo80", "hi80", "lo95", "hi95", "actual")}}),
    "Champion model per series": dict(
        dataset="price_forecast_champions", viz="pie", groupby=["champion_model"], metrics=[sql_metric("series", "COUNT(*)")],
        row_limit=100),
    "Forecast accuracy per model in backtests": dict(
        dataset="price_forecast_models", viz="table", raw=True,
        columns=["model", "trained_through", "promoted", "backtest_cutoffs", "median_rel_mae_naive_h1_7",
                 "median_rel_mae_naive_h1_30", "median_mase_h1_30", "coverage80_h1_7", "coverage80_h8_14", "coverage80_h15_30",
                 "coverage95_h1_7", "coverage95_h15_30"],
        order=[("trained_through", False)], row_limit=200,
        formats={"backtest_cutoffs": INT, **{c: ".2f" for c in ("median_rel_mae_naive_h1_7", "median_rel_mae_naive_h1_30",
                                                                "median_mase_h1_30")},
                 **{c: ".0%" for c in ("coverage80_h1_7", "coverage80_h8_14", "coverage80_h15_30", "coverage95_h1_7",
                                       "coverage95_h15_30")}}),
    # accuracy over time: the rolling-origin backtests score each model at every cutoff (days 1-30 ahead)
    "Backtest error against the naive, by cutoff": dict(
        dataset="price_forecast_backtests", viz="echarts_timeseries_line", x_axis="cutoff", groupby=["model"],
        metrics=[sql_metric("median MAE relative to the naive (below 1: better)", "MEDIAN(rel_mae_naive)")],
        where="\"window\" = 'h1_30'", row_limit=5000, y_format=".2f"),
    "Backtest interval coverage, by cutoff": dict(
        dataset="price_forecast_backtests", viz="echarts_timeseries_line", x_axis="cutoff", groupby=[],
        metrics=[sql_metric("actual inside the 80 % interval (%)", "100.0 * AVG(coverage80)"),
                 sql_metric("actual inside the 95 % interval (%)", "100.0 * AVG(coverage95)")],
        where="\"window\" = 'h1_30'", row_limit=5000, y_format=PCT),
    "Advice verified against what happened": dict(
        dataset="advisory_verification", viz="table", raw=True,
        columns=["check", "district", "week_start", "advised", "hits", "events", "precision", "recall", "mae_mm", "n"],
        order=[("week_start", False)], row_limit=1000,
        formats={"advised": INT, "hits": INT, "events": INT, "n": INT, "precision": ".0%", "recall": ".0%", "mae_mm": ONE}),
    "Advice precision by week": dict(
        dataset="advisory_verification", viz="echarts_timeseries_line", x_axis="week_start", groupby=["check"], grain="P1W",
        metrics=[sql_metric("warnings that came true (%)", "100.0 * SUM(hits) / NULLIF(SUM(advised), 0)")], row_limit=5000,
        y_format=PCT),
    "Farmers by district": dict(
        dataset="dim_farmer", viz="echarts_timeseries_bar", x_axis="district", groupby=[], metrics=[FARMERS], row_limit=100,
        where="NOT is_deleted", y_format=INT, extra={"orientation": "horizontal"}),  # horizontal: every district's name shows
    "Farmers by language": dict(
        dataset="dim_farmer", viz="pie", groupby=["language"], metrics=[FARMERS], row_limit=10, where="NOT is_deleted"),
    "Farms and area by current crop": dict(
        dataset="dim_farm", viz="table", groupby=["current_crop"],
        metrics=[sql_metric("farms", "COUNT(*)"), sql_metric("area (acres)", "SUM(area_acres)"),
                 sql_metric("with sensor", "SUM(CAST(has_sensor AS INTEGER))")],
        row_limit=100, formats={"farms": INT, "area (acres)": ONE, "with sensor": INT}),
    "FPO members and area": dict(
        dataset="mart_fpo_overview", viz="table", groupby=["fpo_name", "district"],
        metrics=[sql_metric("members", "MAX(members_active)"), sql_metric("area (acres)", "SUM(area_acres)")], row_limit=500,
        formats={"members": INT, "area (acres)": ONE}),
    "Certification funnel": dict(
        dataset="mart_certification_funnel", viz="funnel", groupby=["status"],
        metrics=[sql_metric("applications reached", "SUM(applications_reached)")], row_limit=20),
    "Certification steps by scheme": dict(
        dataset="mart_certification_funnel", viz="table", groupby=["scheme", "step_number", "status"],
        metrics=[sql_metric("reached", "SUM(applications_reached)"), sql_metric("now", "SUM(applications_now)"),
                 sql_metric("overdue", "SUM(applications_overdue)")], order=[("step_number", True)], row_limit=200,
        formats={"step_number": INT, "reached": INT, "now": INT, "overdue": INT}),
    "Data quality per source and day": dict(
        dataset="mart_data_quality", viz="table", raw=True,
        columns=["source", "landing_date", "files", "rows_read", "rows_quarantined", "quarantined_pct", "rejected_files",
                 "completeness_pct", "hours_from_day_start_to_load", "failed_checks"],
        order=[("landing_date", False)], row_limit=500,
        formats={"files": INT, "rows_read": INT, "rows_quarantined": INT, "rejected_files": INT, "quarantined_pct": ".2f",
                 "completeness_pct": ONE, "hours_from_day_start_to_load": ONE}),
    "Quarantined rows by day": dict(
        dataset="mart_data_quality", viz="echarts_timeseries_bar", x_axis="landing_date", groupby=["source"],
        metrics=[sql_metric("quarantined rows", "SUM(rows_quarantined)")], row_limit=1000, y_format=INT),
}

# columns a dataset adds to its table (Superset calculated columns): the forecast table names its mandi and
# commodity instead of showing the series id "1161|paddy"
CALCULATED: dict[str, list[tuple[str, str, str]]] = {
    "price_forecast_vs_actual": [
        ("mandi", "VARCHAR", "(SELECT m.mandi_name FROM dim_mandi AS m WHERE m.mandi_code = split_part(series_id, '|', 1))"),
        ("commodity", "VARCHAR", "split_part(series_id, '|', 2)")],
}
DATE_FORMAT = "%d/%m/%Y"  # every date a chart shows: a date, no 00:00:00

DASHBOARDS: dict[str, dict] = {
    "market-prices": {"title": "Market prices and forecasts",
                      "charts": ["Modal price by commodity", "Forecasts with intervals and actuals", "Champion model per series",
                                 "Forecast accuracy per model in backtests"]},
    "coverage": {"title": "Farmer and FPO coverage",
                 "charts": ["Farmers by district", "Farmers by language", "Farms and area by current crop", "FPO members and area"]},
    "certification": {"title": "Certification funnel", "charts": ["Certification funnel", "Certification steps by scheme"]},
    "data-quality": {"title": "Data quality and freshness", "charts": ["Data quality per source and day", "Quarantined rows by day"]},
    "advice-accuracy": {"title": "Forecast and advice accuracy",
                        "charts": ["Backtest error against the naive, by cutoff", "Backtest interval coverage, by cutoff",
                                   "Advice precision by week",
                                   "Advice verified against what happened"]},
}

DTTM = {"fct_mandi_prices_daily": "arrival_date", "price_forecast_vs_actual": "forecast_date", "mart_data_quality": "landing_date",
        "advisory_verification": "week_start", "price_forecast_backtests": "cutoff"}


def form_data(name: str, dataset_id: int | None = None) -> dict:
    c = CHARTS[name]
    fd = {"viz_type": c["viz"], "row_limit": c["row_limit"], "adhoc_filters": [], "slice_name": name}
    if dataset_id is not None:
        fd["datasource"] = f"{dataset_id}__table"
    if c.get("where"):
        fd["adhoc_filters"] = [{"expressionType": "SQL", "sqlExpression": c["where"], "clause": "WHERE",
                                "filterOptionName": f"filter_{uid('filter', name)[:8]}"}]
    formats = c.get("formats", {})
    if c.get("raw"):
        fd.update(query_mode="raw", all_columns=c["columns"], order_by_cols=[json.dumps([col, asc]) for col, asc in c.get("order", [])])
    elif c["viz"] in ("pie", "funnel"):
        fd.update(groupby=c["groupby"], metric=c["metrics"][0], sort_by_metric=True, number_format=INT)
    elif c["viz"].startswith("echarts_timeseries"):
        grain = c.get("grain", "P1D") if c["x_axis"] in DTTM.values() else None
        fd.update(x_axis=c["x_axis"], groupby=c["groupby"], metrics=c["metrics"], time_grain_sqla=grain,
                  y_axis_format=c["y_format"], x_axis_time_format=DATE_FORMAT, tooltipTimeFormat=DATE_FORMAT,
                  truncateXAxis=True, show_legend=True, markerEnabled=True, markerSize=4)  # a lone point shows too
    else:
        fd.update(query_mode="aggregate", groupby=c["groupby"], metrics=c["metrics"])
    if c["viz"] == "table":
        fd.update(table_timestamp_format=DATE_FORMAT,
                  column_config={col: {"d3NumberFormat": f} for col, f in formats.items()})
    fd.update(c.get("extra", {}))
    return fd


def query_context(name: str, dataset_id: int) -> dict:
    """What /api/v1/chart/{id}/data runs for the chart (plain columns; the UI re-derives its own from params)."""
    c = CHARTS[name]
    if c.get("raw"):
        q = {"columns": c["columns"], "metrics": [], "orderby": [[col, asc] for col, asc in c.get("order", [])]}
    else:
        cols = ([c["x_axis"]] if c.get("x_axis") else []) + c.get("groupby", [])
        q = {"columns": cols, "metrics": c["metrics"],
             "orderby": [[col, asc] for col, asc in c.get("order", [])] or [[c["metrics"][0], False]]}
    q.update(filters=[], extras={"where": c.get("where", ""), "having": ""}, row_limit=c["row_limit"], series_limit=0,
             order_desc=True, annotation_layers=[], applied_time_extras={}, url_params={}, custom_params={}, custom_form_data={})
    return {"datasource": {"id": dataset_id, "type": "table"}, "force": False, "queries": [q],
            "form_data": form_data(name, dataset_id), "result_format": "json", "result_type": "full"}


def _position(slug: str) -> dict:
    d = DASHBOARDS[slug]
    pos = {"DASHBOARD_VERSION_KEY": "v2", "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
           "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
           "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": d["title"]}}}
    for i in range(0, len(d["charts"]), 2):
        row = f"ROW-{slug}-{i // 2}"
        pos["GRID_ID"]["children"].append(row)
        pos[row] = {"type": "ROW", "id": row, "children": [], "parents": ["ROOT_ID", "GRID_ID"],
                    "meta": {"background": "BACKGROUND_TRANSPARENT"}}
        for name in d["charts"][i:i + 2]:
            cid = f"CHART-{uid('chart', name)[:10]}"
            pos[row]["children"].append(cid)
            pos[cid] = {"type": "CHART", "id": cid, "children": [], "parents": ["ROOT_ID", "GRID_ID", row],
                        # chartId: the exporting instance's id; the importer maps it to the new one by uuid
                        "meta": {"width": 6, "height": 60, "chartId": list(CHARTS).index(name) + 1, "sliceName": name,
                                 "uuid": uid("chart", name)}}
    return pos


def bundle_files(columns: dict[str, list[tuple[str, str]]]) -> dict[str, dict]:
    """path in the bundle -> YAML document. `columns`: dataset -> [(name, DuckDB type)]."""
    db_uuid = uid("database", DATABASE_NAME)
    files: dict[str, dict] = {"metadata.yaml": {"version": "1.0.0", "type": "assets", "timestamp": "2026-11-26T00:00:00+00:00"}}
    files["databases/Hasiru_serving.yaml"] = {
        "database_name": DATABASE_NAME, "sqlalchemy_uri": f"duckdb:///{SERVING_PATH_PLACEHOLDER}", "cache_timeout": None,
        "expose_in_sqllab": True, "allow_run_async": False, "allow_ctas": False, "allow_cvas": False, "allow_dml": False,
        "allow_file_upload": False,
        "extra": {"engine_params": {"connect_args": {"read_only": True, "config": {"enable_external_access": False}}},
                  "metadata_params": {}, "schemas_allowed_for_file_upload": []},
        "uuid": db_uuid, "version": "1.0.0"}
    for ds in sorted({c["dataset"] for c in CHARTS.values()}):
        files[f"datasets/Hasiru_serving/{ds}.yaml"] = {
            "table_name": ds, "main_dttm_col": DTTM.get(ds), "description": None, "default_endpoint": None, "offset": 0,
            "cache_timeout": None, "schema": "main", "sql": None, "params": None, "template_params": None,
            "filter_select_enabled": True, "fetch_values_predicate": None, "extra": None, "normalize_columns": False,
            "always_filter_main_dttm": False, "uuid": uid("dataset", ds),
            "metrics": [{"metric_name": "count", "verbose_name": "COUNT(*)", "metric_type": "count", "expression": "COUNT(*)",
                         "description": None, "d3format": None, "currency": None, "extra": None, "warning_text": None}],
            "columns": [{"column_name": n, "verbose_name": None, "is_dttm": t in ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"),
                         "is_active": True, "type": t, "advanced_data_type": None, "groupby": True, "filterable": True,
                         "expression": None, "description": None, "python_date_format": None, "extra": None}
                        for n, t in columns[ds]]
                       + [{"column_name": n, "verbose_name": None, "is_dttm": False, "is_active": True, "type": t,
                           "advanced_data_type": None, "groupby": True, "filterable": True, "expression": expr,
                           "description": None, "python_date_format": None, "extra": None}
                          for n, t, expr in CALCULATED.get(ds, [])],
            "version": "1.0.0", "database_uuid": db_uuid}
    for name, c in CHARTS.items():
        files[f"charts/{uid('chart', name)[:8]}_{name.replace(' ', '_')}.yaml"] = {
            "slice_name": name, "description": None, "certified_by": None, "certification_details": None, "viz_type": c["viz"],
            "params": form_data(name), "query_context": None, "cache_timeout": None, "uuid": uid("chart", name),
            "version": "1.0.0", "dataset_uuid": uid("dataset", c["dataset"])}
    for slug, d in DASHBOARDS.items():
        files[f"dashboards/{slug}.yaml"] = {
            "dashboard_title": d["title"], "description": None, "css": "", "slug": slug, "certified_by": "",
            "certification_details": "", "published": True, "uuid": uid("dashboard", slug), "position": _position(slug),
            "metadata": {"color_scheme": "", "refresh_frequency": 0, "expanded_slices": {}, "label_colors": {},
                         "timed_refresh_immune_slices": [], "cross_filters_enabled": False, "default_filters": "{}",
                         "chart_configuration": {}, "native_filter_configuration": []},
            "version": "1.0.0"}
    return files


def dump(doc: dict) -> str:
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)


def write_bundle(serving_file: Path) -> list[Path]:
    import duckdb

    con = duckdb.connect(str(serving_file), read_only=True)
    try:
        columns = {ds: [(r[0], r[1]) for r in con.sql(f'describe "{ds}"').fetchall()] for ds in {c["dataset"] for c in CHARTS.values()}}
    finally:
        con.close()
    written = []
    for rel, doc in bundle_files(columns).items():
        path = BUNDLE / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dump(doc), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    from serving.publish import serving_path

    for p in write_bundle(serving_path()):
        print(p.relative_to(BUNDLE.parent))
