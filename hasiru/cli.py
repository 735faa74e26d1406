"""`hasiru`: the platform's command line. Every command has --help."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import click

from hasiru import console
from hasiru.config import ConfigError, IST, REPO_ROOT, settings



def _today_ist() -> dt.date:
    return dt.datetime.now(IST).date()


from hasiru.cli_common import date_option as _date  # noqa: E402


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Hasiru Mitra data platform: simulate the demo world, ingest it into the Delta lake, inspect it.

    Settings come from the environment: HASIRU_DATA_DIR (default ./data), HASIRU_LAKE_URI
    (default <data>/lake, or s3://bucket/prefix), HASIRU_LANDING_DIR, DAGSTER_HOME."""


@cli.command()
@click.option("--farmers", default=2000, show_default=True, type=click.IntRange(1), help="Number of farmers.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1), help="Days of activity to simulate.")
@click.option("--seed", default=42, show_default=True, help="Random seed: the same seed gives the same world.")
@click.option("--start-date", callback=_date, help="First day (YYYY-MM-DD); default: so the world ends yesterday (IST).")
@click.option("--price-history-years", default=3, show_default=True, type=click.IntRange(0, 20),
              help="Years of daily mandi prices before the first day (what forecasts train and backtest on).")
def simulate(farmers: int, days: int, seed: int, start_date: dt.date | None, price_history_years: int) -> None:
    """Write the demo world into the landing zone, each source in its real format."""
    _simulate(farmers, days, seed, start_date, price_history_years)


def _simulate(farmers, days, seed, start_date, price_history_years=3):
    from simulator.world import build_world

    start = start_date or _today_ist() - dt.timedelta(days=days)
    from ingestion import landing as landing_zone

    landing = settings().landing_dir
    console.progress(f"simulating {farmers:,} farmers x {days} days from {start} into {settings().landing_uri}")
    s = build_world(landing, seed, farmers, start, days, console.progress, price_history_years=price_history_years)
    if landing_zone.is_remote():  # the world is written locally, then uploaded
        console.progress(f"uploaded {landing_zone.upload_tree(landing):,} files to {settings().landing_uri}")
        shutil.rmtree(landing)
    console.progress(f"world: {s.farmers:,} farmers, {s.farms:,} farms, {s.sensors:,} sensors, {s.fpos:,} FPOs; "
                     + ", ".join(f"{k} {v} files/{s.bytes[k] / 1e6:.1f} MB" for k, v in s.files.items()))
    return start


@cli.command()
@click.option("--source", "sources", multiple=True, help="Source family (repeatable); default: all.")
@click.option("--date", "day", callback=_date, help="Landing day (YYYY-MM-DD); default: every landed day.")
def ingest(sources: tuple[str, ...], day: dt.date | None) -> None:
    """Load landed files into bronze (Dagster job ingest, with the bronze checks): a day, or every landed day."""
    from dagster_project.run_local import materialize_partitions
    from ingestion import landing
    from ingestion.sources import SOURCES, source

    for name in sources:
        source(name)  # fails early with the list of known sources
    days = [day] if day else sorted({d for name in sources or tuple(SOURCES) for d in landing.landing_dates(name)})
    if not days:
        raise click.UsageError("nothing has landed yet: run `hasiru simulate` (or land files under "
                               f"{settings().landing_uri})")
    materialize_partitions(days[0], days[-1], console.progress, transform=False, trigger="hasiru ingest", sources=sources)
    _print_summary()


@cli.command()
@click.option("--farmers", default=2000, show_default=True, type=click.IntRange(1), help="Number of farmers.")
@click.option("--days", default=7, show_default=True, type=click.IntRange(1), help="Days of activity to simulate.")
@click.option("--seed", default=42, show_default=True, help="Random seed.")
@click.option("--start-date", callback=_date, help="First day (YYYY-MM-DD); default: so the world ends yesterday (IST).")
@click.option("--fresh/--keep", default=True, show_default=True,
              help="Start from an empty landing zone and lake (local folders only).")
@click.option("--price-history-years", default=3, show_default=True, type=click.IntRange(0, 20),
              help="Years of daily mandi prices before the first day (what forecasts train and backtest on).")
def run(farmers: int, days: int, seed: int, start_date: dt.date | None, fresh: bool, price_history_years: int) -> None:
    """Build the demo world and run the whole pipeline through Dagster (simulate, ingest, dbt, forecasts, advice,
    SMS, publish) on the configured engine (HASIRU_ENGINE; embedded by default)."""
    s = settings()
    if fresh:
        for path in [s.landing_dir] + ([Path(s.lake_uri)] if s.lake_is_local else []):
            if path.exists():
                console.progress(f"removing {path} (--fresh)")
                shutil.rmtree(path)
    start = _simulate(farmers, days, seed, start_date, price_history_years)
    from dagster_project.run_local import materialize_ml_and_delivery, materialize_partitions

    last = start + dt.timedelta(days=days - 1)
    materialize_partitions(start, last, console.progress)
    materialize_ml_and_delivery(last, console.progress)
    _print_summary()


def _window(first: dt.date, last: dt.date, landed: list[dt.date]) -> tuple[dt.date, dt.date]:
    """A window of landing days that can be built: in order, within the partitions, with something landed in it."""
    from dagster_project.partitions import FIRST_DAY

    if first > last:
        raise click.UsageError(f"--from {first} is after --to {last}: give the earlier day first")
    if first < FIRST_DAY:
        raise click.UsageError(f"--from {first} is before {FIRST_DAY}, the first landing day the platform has partitions for")
    if landed and not any(first <= d <= last for d in landed):
        raise click.UsageError(f"nothing landed between {first} and {last}: files landed from {landed[0]} to {landed[-1]} "
                               f"({len(landed)} day{'' if len(landed) == 1 else 's'})")
    return first, last


@cli.command()
@click.option("--from", "first", callback=_date, help="First landing day (default: the first landed day).")
@click.option("--to", "last", callback=_date, help="Last landing day (default: the last landed day).")
def transform(first: dt.date | None, last: dt.date | None) -> None:
    """Build silver and gold with dbt for a window of landing days, export them to the lake, publish serving."""
    from dagster_project.run_local import materialize_partitions
    from ingestion import landing
    from ingestion.sources import SOURCES

    from lake import delta_io
    from lake.catalog import table

    days = sorted({d for s in SOURCES for d in landing.landing_dates(s)})
    if not days and not (first and last):
        raise click.UsageError("nothing has landed yet: give --from and --to, or run `hasiru simulate` first")
    first, last = _window(first or days[0], last or days[-1], days)
    unloaded = [t for s in SOURCES.values() for t in s.targets if not delta_io.exists(table(t))]
    if unloaded:
        raise click.UsageError(f"bronze is not loaded yet ({', '.join(unloaded[:3])}...): run `hasiru ingest` first")
    materialize_partitions(first, last, console.progress, ingest=False, trigger="hasiru transform")
    _print_summary()


@cli.command()
@click.option("--workers", default=os.cpu_count() or 1, show_default=True, type=click.IntRange(1),
              help="Processes for the per-series fits.")
@click.option("--cutoffs", default=8, show_default=True, type=click.IntRange(1), help="Backtest cutoffs.")
@click.option("--step-days", default=90, show_default=True, type=click.IntRange(1), help="Days between backtest cutoffs.")
@click.option("--models", default="naive,seasonal_naive,theta,lightgbm,combination", show_default=True,
              help="Comma-separated models to backtest and forecast (add prophet to include it).")
def forecast(workers: int, cutoffs: int, step_days: int, models: str) -> None:
    """Backtest every model, choose champions and forecast mandi prices 30 days ahead from silver (the weekly job)."""
    from ml.forecast.backtest import ALL_MODELS
    from dagster_project import run_local

    wanted = tuple(m.strip() for m in models.split(",") if m.strip())
    unknown = sorted(set(wanted) - set(ALL_MODELS))
    if unknown:
        raise click.BadParameter(f"unknown models {unknown}; choose from {', '.join(ALL_MODELS)}", param_hint="--models")
    summary = run_local.forecast(console.progress, {"workers": workers, "cutoffs": cutoffs, "step_days": step_days,
                                                     "models": list(wanted)})
    click.echo(f"forecast {summary.get('series', 0):,} series at {summary.get('backtest_cutoffs', 0)} backtest cutoffs\n"
               f"  champions: {console.counts(summary.get('champions', {}))}\n"
               f"  models promoted: {console.counts(summary.get('promoted', {}))}\n"
               f"  median 30-day MAE relative to the naive's: {console.counts(summary.get('median_rel_mae_naive_h1_30', {}))}\n"
               f"  80 % interval coverage: {console.counts(summary.get('coverage80_h1_30', {}))}")


@cli.command()
def advise() -> None:
    """Compute every farm's advice (irrigation, pest and disease risk, fertilizer, crop suitability) for the observed
    days into gold.farm_advisories, and score past advice against what happened (gold.advisory_verification)."""
    from dagster_project import run_local

    summary = run_local.advise(console.progress)
    click.echo(f"advisories: {summary.get('rows', 0):,} rows; by reason: {console.counts(summary.get('by_reason', {}))}")


@cli.command()
def publish() -> None:
    """Publish the serving database from the gold tables now in the lake."""
    from dagster_project import run_local

    result = run_local.publish(console.progress, _today_ist())
    click.echo(f"published {result.get('path')} (version {result.get('version')}, {result.get('tables')} tables; "
               f"API file {result.get('api_tables')} tables)")


@cli.command()
def recover() -> None:
    """Clear what killed runs left: half-built serving files, a dbt still running, Dagster runs left STARTED
    (every `hasiru run`, `transform` and `publish` does this first)."""
    from hasiru.recovery import recover as do_recover

    done = do_recover(console.progress)
    click.echo("recovery: " + ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in done.items()))


@cli.command()
def prepare() -> None:
    """Prepare what later steps need offline: dbt's bronze sources from the catalogue, the dbt manifest (dbt parse);
    check the SMS templates. Set-up runs this."""
    import subprocess

    from transform import dbt_sources
    from transform.dbt_env import DBT_PROJECT_DIR, dbt_env, manifest_path

    for path in dbt_sources.write():
        click.echo(f"dbt sources regenerated from the catalogue: {path}")
    done = subprocess.run([str(Path(sys.executable).parent / "dbt"), "parse", "--quiet"], cwd=DBT_PROJECT_DIR,
                          env={**os.environ, **dbt_env()})
    if done.returncode != 0:
        raise click.ClickException(f"dbt parse failed in {DBT_PROJECT_DIR} (exit {done.returncode})")
    click.echo(f"dbt manifest ready: {manifest_path()}")
    from sms.templates import check

    problems = check()  # a missing translation is a build error, not a surprise in the digest run
    if problems:
        raise click.ClickException("SMS templates are incomplete:\n  " + "\n  ".join(problems))
    click.echo("SMS templates complete for every language")


@cli.command()
def status() -> None:
    """Row counts of every lake table, quarantine per source, and where things are."""
    _print_summary()


@cli.command()
@click.option("--source", required=True, help="Source family, e.g. mandi_prices.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1))
def quarantine(source: str, limit: int) -> None:
    """Show quarantined rows of one source: file, row, reason, raw text."""
    from ingestion.sources import source as lookup
    from hasiru.lake_views import connect

    lookup(source)
    con = connect()
    rows = con.sql(f"select landing_date, source_file, source_row, reason, raw from bronze_quarantine_{source} "
                   f"order by landing_date, source_file, source_row limit {limit}").fetchall()
    click.echo(console.table([tuple("" if v is None else v for v in r[:4]) + (str(r[4])[:60],) for r in rows],
                             ("landing_date", "source_file", "row", "reason", "raw")))


@cli.command()
@click.argument("query")
@click.option("--serving", is_flag=True, help="Query the published serving database (gold tables by name) instead.")
def sql(query: str, serving: bool) -> None:
    """Run SQL (DuckDB) over the lake; tables are views named <layer>_<table>, e.g. bronze_mandi_prices,
    silver_sensors__readings, gold_fct_sensor_daily. With --serving, over the serving database."""
    from hasiru.lake_views import connect

    if serving:
        from serving.publish import connect_reader

        con = connect_reader()
    else:
        con = connect()
    import duckdb

    try:
        rel = con.sql(query)
        rows = [tuple(r) for r in rel.limit(200).fetchall()] if rel is not None else None
    except duckdb.Error as exc:  # a wrong table or column: DuckDB's own message says which, and suggests
        raise click.ClickException(f"{exc}\n(tables: `hasiru status`; views are named <layer>_<table>)") from None
    if rows is not None:
        click.echo(console.table(rows, tuple(rel.columns)))


@cli.command()
@click.option("--port", default=3000, show_default=True)
def ui(port: int) -> None:
    """Start the Dagster UI (dagster dev) on this repository's workspace, with run history kept."""
    from dagster_project.instance import prepare_dagster_home

    prepare_dagster_home()
    click.get_current_context().invoke(prepare)  # the graph follows the dbt models as they are now
    # `dagster dev` warns that `dg dev` supersedes it; dg needs a dg-shaped project (dagster-dg-cli and
    # [tool.dg] in pyproject.toml), which this repository is not yet: the warning is one the user cannot act on.
    # PYTHONWARNINGS reaches the code server dagster dev starts too (the backfill_policy BetaWarning).
    quiet = ",".join(f"ignore:{text}" for text in QUIET_WARNING_PREFIXES)
    os.environ["PYTHONWARNINGS"] = ",".join(filter(None, [os.environ.get("PYTHONWARNINGS"), quiet]))
    os.execvp(sys.executable, [sys.executable, "-m", "dagster", "dev", "-w", str(REPO_ROOT / "workspace.yaml"),
                               "-h", "127.0.0.1", "-p", str(port)])




from hasiru.cli_delivery import api_token, fpo_app, fpo_app_user, serve, sms, superset  # noqa: E402

cli.add_command(superset)
cli.add_command(fpo_app)
cli.add_command(fpo_app_user)
cli.add_command(sms)
cli.add_command(serve)
cli.add_command(api_token)


def _print_summary() -> None:
    from lake import delta_io
    from lake.catalog import LOAD_LOG, all_tables

    from serving.publish import serving_path

    s = settings()
    specs = all_tables()
    present = [spec for spec in specs if delta_io.exists(spec)]
    if not present:
        click.echo(f"\nThe lake at {s.lake_uri} is empty: nothing has been loaded yet.\n"
                   "  the demo world end to end:     .venv/bin/hasiru run\n"
                   "  or step by step:               .venv/bin/hasiru simulate, then ingest, transform, forecast, advise, publish")
        return
    rows = [(spec.name, delta_io.row_count(spec)) for spec in present]
    click.echo("\nLake tables (Delta) at " + s.lake_uri)
    click.echo(console.table(sorted(r for r in rows if r[1] or not r[0].startswith("bronze.quarantine")), ("table", "rows")))
    if len(present) < len(specs):
        built = {spec.name for spec in present}
        missing = sorted(spec.name for spec in specs if spec.name not in built)
        click.echo(f"not built yet ({len(missing)}): {', '.join(missing[:6])}{', ...' if len(missing) > 6 else ''}")
    log = delta_io.read_arrow(LOAD_LOG).to_pylist()
    by_source: dict[str, list[int]] = {}
    for r in log:
        acc = by_source.setdefault(r["source"], [0, 0, 0, 0, 0])
        acc[0] += 1
        acc[1] += r["rows_read"]
        acc[2] += r["rows_quarantined"]
        acc[3] += r["status"] == "rejected"
        acc[4] += r["status"] == "duplicate"
    click.echo("\nLoads by source (ops.load_log)")
    click.echo(console.table([(k, *v) for k, v in sorted(by_source.items())],
                             ("source", "files", "rows read", "quarantined rows", "rejected files", "duplicate files")))
    from lake.tables import WATERMARKS

    marks = sorted((r["source"], r["stream"], str(r["watermark"]), str(r["updated_at"])[:19])
                   for r in delta_io.read_arrow(WATERMARKS).to_pylist())
    if marks:
        click.echo("\nConnector watermarks (ops.source_watermarks: everything up to here is landed)")
        click.echo(console.table(marks, ("connector", "stream", "watermark", "recorded at")))
    click.echo(f"""
Where to look:
  landing zone (raw payloads):  {s.landing_uri}
  Delta lake:                   {s.lake_uri}
  quarantined rows:             .venv/bin/hasiru quarantine --source mandi_prices
  SQL over the lake (DuckDB):   .venv/bin/hasiru sql "select * from gold_fct_mandi_prices_daily limit 5"
  serving database (gold):      {serving_path() if serving_path().exists() else "not published yet (hasiru publish)"}
  SMS digests and alerts:       .venv/bin/hasiru sql "select language, segments, text from ops_sms_outbox limit 5"
  serving API (docs at /docs):  HASIRU_API_SECRET=<32+ chars> .venv/bin/hasiru serve   (token: hasiru api-token --user-id U0000001)
  FPO managers' app:            .venv/bin/hasiru fpo-app-user --user-id <an FPO admin> && .venv/bin/hasiru fpo-app
  Superset for analysts:        .venv/bin/hasiru superset   then open http://127.0.0.1:8088
  Dagster UI with run history:  .venv/bin/hasiru ui   then open http://127.0.0.1:3000""")


# Warnings a user of a successful run cannot act on (they are for this code's maintainers): Dagster marks
# BackfillPolicy as beta, and pyspark (imported by Great Expectations even on the embedded engine) warns
# about the pandas major version it has not certified. Matched by text, so the CLI need not import either.
QUIET_WARNINGS = (r"Parameter `backfill_policy` of (function|class) .* is currently in beta",
                  r"PySpark does not yet fully support pandas")
# the same for child processes, as PYTHONWARNINGS needs them: literal starts of the message, no commas
QUIET_WARNING_PREFIXES = ("Parameter `backfill_policy` of", "PySpark does not yet fully support pandas",
                          "Function `dev_command` is superseded")


def main() -> None:
    import warnings

    for text in QUIET_WARNINGS:
        warnings.filterwarnings("ignore", message=text)
    # delta-rs can abort at interpreter exit after all work succeeded (delta-rs issue 2184):
    # flush and leave with os._exit so the exit status is the command's own.
    status = 0
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        status = 130
    except click.ClickException as exc:
        exc.show()
        status = exc.exit_code
    except (ConfigError, KeyError, ValueError, OSError, RuntimeError) as exc:
        click.echo(f"error: {exc.args[0] if isinstance(exc, KeyError) else exc}", err=True)
        status = 2
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 0
    except Exception:  # a bug, not bad input: show where, and still exit cleanly
        import traceback

        traceback.print_exc()
        status = 1
    exit_now(status)


def exit_now(status: int) -> None:
    """Leave with `status` even where delta-rs would abort at interpreter exit (delta-rs issue 2184):
    flush, let multiprocessing release what it holds, then os._exit."""
    import multiprocessing.util

    multiprocessing.util._exit_function()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
