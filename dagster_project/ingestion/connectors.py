"""The pulling connectors as Dagster resources and assets.

Each connector is a resource configured from the environment (README, "Connectors"); each pull is an
asset that lands files into today's landing partition (the landing sensor then loads them into
bronze). A connector that fails marks its own asset failed with the reason; the others in the same
run still pull. Schedules: sensors every 15 minutes, the app database hourly (key reconciliation
nightly, its own job), weather forecasts at 05:00 and observations at 09:00 IST, mandi prices from the API at
20:30 IST (Agmarknet publishes the day's prices in the evening).
"""


import contextlib
import datetime as dt

import dagster as dg

from hasiru.config import IST, IST_TZ
from ingestion.connectors import SourceUnavailable
from ingestion.connectors.agmarknet_api import AgmarknetApi
from ingestion.connectors.app_postgres import AppPostgres
from ingestion.connectors.influx import InfluxSettings, WindowedSync
from ingestion.connectors.influx import connector as influx_connector
from ingestion.connectors.weather import WeatherFetcher, providers_from_env


class InfluxResource(dg.ConfigurableResource):
    """HASIRU_INFLUX_URL, HASIRU_INFLUX_API (v1 or v2), HASIRU_INFLUX_MEASUREMENTS; v1: HASIRU_INFLUX_DB,
    HASIRU_INFLUX_USER/_PASSWORD; v2: HASIRU_INFLUX_TOKEN, HASIRU_INFLUX_ORG, HASIRU_INFLUX_BUCKET."""

    def connector(self) -> WindowedSync:
        return influx_connector(InfluxSettings.from_env())


class AppPostgresResource(dg.ConfigurableResource):
    """HASIRU_APP_DB_DSN (a read-only role is enough), HASIRU_APP_DB_LOOKBACK_MINUTES."""

    def connector(self) -> AppPostgres:
        return AppPostgres.from_env()


class WeatherResource(dg.ConfigurableResource):
    """HASIRU_WEATHER_PRIMARY_URL/_KEY, HASIRU_WEATHER_BACKUP_URL/_KEY, HASIRU_IMD_URL."""

    timeout_s: float = 10.0

    def connector(self) -> WeatherFetcher:
        return WeatherFetcher(providers_from_env(), timeout_s=self.timeout_s)


class AgmarknetApiResource(dg.ConfigurableResource):
    """HASIRU_DATAGOVIN_API_KEY, HASIRU_DATAGOVIN_URL."""

    def connector(self) -> AgmarknetApi:
        return AgmarknetApi.from_env()


@contextlib.contextmanager
def _pulling(what: str, make):
    """The connector `make()` builds, closed afterwards; its SourceUnavailable fails the asset with the reason."""
    try:
        connector = make()
        try:
            yield connector
        finally:
            getattr(connector, "close", lambda: None)()
    except SourceUnavailable as e:
        raise dg.Failure(description=f"{what}: {e}", metadata={"reason": str(e)[:2000]}, allow_retries=False) from e


@dg.asset(key=["landing", "sensors_influxdb"], group_name="connectors", kinds={"influxdb"},
          description="Pull sensor readings from InfluxDB into the sensors landing zone (watermark per measurement).")
def sensors_from_influxdb(context: dg.AssetExecutionContext, influx: InfluxResource) -> dg.MaterializeResult:
    with _pulling("InfluxDB", influx.connector) as c:
        out = c.sync(progress=context.log.info)
    return dg.MaterializeResult(metadata={m: r["points"] for m, r in out.items()})


class AppPullConfig(dg.Config):
    reconcile_keys: bool = False  # also compare every key with bronze to find hard deletes (the nightly job)


@dg.asset(key=["landing", "app_postgres"], group_name="connectors", kinds={"postgres"},
          description="Extract the app's changed rows from PostgreSQL (and, in the nightly run, hard deletes) into the app landing zone.")
def app_from_postgres(context: dg.AssetExecutionContext, config: AppPullConfig, app_db: AppPostgresResource) -> dg.MaterializeResult:
    with _pulling("app PostgreSQL", app_db.connector) as db:
        out = db.extract(progress=context.log.info)
        deletes = db.reconcile(progress=context.log.info) if config.reconcile_keys else {}
    if out["failed"]:  # schema drift in some tables: the others were extracted and landed
        raise dg.Failure(description=f"app tables not extracted: {out['failed']}",
                         metadata={"extracted": {t: r["rows"] for t, r in out["tables"].items()}})
    return dg.MaterializeResult(metadata={"rows": {t: r["rows"] for t, r in out["tables"].items()}, "hard_deletes": deletes})


class WeatherPullConfig(dg.Config):
    kind: str = "forecast"  # forecast | observed (yesterday)


@dg.asset(key=["landing", "weather_providers"], group_name="connectors", kinds={"http"},
          description="Fetch block weather through the fallback chain (primary -> backup -> IMD) into the weather landing zone.")
def weather_from_providers(context: dg.AssetExecutionContext, config: WeatherPullConfig, weather: WeatherResource) -> dg.MaterializeResult:
    today = dt.datetime.now(IST).date()
    day = today if config.kind == "forecast" else today - dt.timedelta(days=1)
    with _pulling("weather", weather.connector) as f:
        report = f.fetch(config.kind, day, progress=context.log.info)
    return dg.MaterializeResult(metadata={"served": str(report.served), "files": len(report.files)})


@dg.asset(key=["landing", "mandi_prices_api"], group_name="connectors", kinds={"http"},
          description="Fetch today's Karnataka mandi prices from the data.gov.in Agmarknet API into the mandi_prices landing zone.")
def mandi_prices_from_api(context: dg.AssetExecutionContext, agmarknet: AgmarknetApiResource) -> dg.MaterializeResult:
    with _pulling("data.gov.in", agmarknet.connector) as api:
        out = api.fetch_day(dt.datetime.now(IST).date(), progress=context.log.info)
    return dg.MaterializeResult(metadata={"records": out["records"], "pages": out["pages"]})


CONNECTOR_ASSETS = [sensors_from_influxdb, app_from_postgres, weather_from_providers, mandi_prices_from_api]
CONNECTOR_RESOURCES = {"influx": InfluxResource(), "app_db": AppPostgresResource(), "weather": WeatherResource(),
                       "agmarknet": AgmarknetApiResource()}


def _job(name: str, asset, **kw):
    return dg.define_asset_job(name, selection=dg.AssetSelection.assets(asset), **kw)


influx_job = _job("pull_influxdb", sensors_from_influxdb)
app_db_job = _job("pull_app_postgres", app_from_postgres)
app_db_reconcile_job = _job("reconcile_app_postgres", app_from_postgres,
                            config={"ops": {"landing__app_postgres": {"config": {"reconcile_keys": True}}}})
weather_forecast_job = _job("pull_weather_forecasts", weather_from_providers,
                            config={"ops": {"landing__weather_providers": {"config": {"kind": "forecast"}}}})
weather_observed_job = _job("pull_weather_observations", weather_from_providers,
                            config={"ops": {"landing__weather_providers": {"config": {"kind": "observed"}}}})
mandi_api_job = _job("pull_mandi_prices_api", mandi_prices_from_api)
CONNECTOR_JOBS = [influx_job, app_db_job, app_db_reconcile_job, weather_forecast_job, weather_observed_job, mandi_api_job]
CONNECTOR_SCHEDULES = [
    dg.ScheduleDefinition(job=influx_job, cron_schedule="*/15 * * * *", execution_timezone=IST_TZ,
                          description="Every 15 minutes: sensor readings since the watermark (with look-back)"),
    dg.ScheduleDefinition(job=app_db_job, cron_schedule="5 * * * *", execution_timezone=IST_TZ,
                          description="Hourly: the app's changed rows"),
    dg.ScheduleDefinition(job=app_db_reconcile_job, cron_schedule="35 2 * * *", execution_timezone=IST_TZ,
                          description="02:35 IST: changed rows and a key reconciliation for hard deletes"),
    dg.ScheduleDefinition(job=weather_forecast_job, cron_schedule="0 5 * * *", execution_timezone=IST_TZ,
                          description="05:00 IST: 5-day forecasts for every block"),
    dg.ScheduleDefinition(job=weather_observed_job, cron_schedule="0 9 * * *", execution_timezone=IST_TZ,
                          description="09:00 IST: yesterday's observed weather for every block"),
    dg.ScheduleDefinition(job=mandi_api_job, cron_schedule="30 20 * * *", execution_timezone=IST_TZ,
                          description="20:30 IST: the day's mandi prices from the data.gov.in API"),
]
