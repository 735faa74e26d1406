"""The per-series forecast fan-out on Spark: `groupBy("series_id").applyInPandas(...)` calling the same
per-series function (ml.forecast.backtest.series_forecast, every origin of a run at once) the embedded engine maps over its process pool.

The series frame is small next to the work (1,000 series x 3 years is ~1 M rows); the fits are what
costs, so series are spread over one task each up to the cluster's parallelism.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from ml.forecast.backtest import SERIES_OUTPUT
from spark_jobs.session import get_spark

FORECAST_SCHEMA = ("series_id string, origin timestamp, ds timestamp, horizon long, yhat double, model string, "
                   "note string, scale double, sd double, naive_scale double")
INPUT_COLUMNS = ["series_id", "ds", "y", "arrivals", "market_ly"]
FLOATS = ["yhat", "scale", "sd", "naive_scale"]


def spark_fanout(hist: pd.DataFrame, fn: Callable[[pd.DataFrame], pd.DataFrame]) -> pd.DataFrame:
    """ml.forecast.backtest.Fanout on Spark."""
    spark = get_spark()
    cols = [c for c in INPUT_COLUMNS if c in hist.columns]
    # objects, not pandas 3's Arrow-backed strings: pyspark 4.2's Arrow path cannot take those (and would fall
    # back, silently, to row-by-row conversion)
    frame = hist[cols].assign(series_id=hist["series_id"].astype(object), y=hist["y"].astype("float64"))
    for c in ("arrivals", "market_ly"):
        if c in frame:
            frame[c] = frame[c].astype("float64")
    n_series = frame["series_id"].nunique()
    if n_series == 0:
        return pd.DataFrame(columns=SERIES_OUTPUT)
    slots = _parallelism(spark) * 4
    out = (spark.createDataFrame(frame)
           .repartition(min(n_series, slots), "series_id")
           .groupBy("series_id").applyInPandas(_typed(fn), FORECAST_SCHEMA)
           .toPandas())
    out["horizon"] = out["horizon"].astype("int64")
    return out[SERIES_OUTPUT]


def _parallelism(spark) -> int:
    """The cluster's task slots; a Spark Connect session has no SparkContext to ask, so there the shuffle
    partitions setting stands in."""
    try:
        return spark.sparkContext.defaultParallelism
    except Exception:  # pyspark.errors.PySparkNotImplementedError on Spark Connect (JVM attribute not supported)
        return max(1, int(spark.conf.get("spark.sql.shuffle.partitions", "8")) // 4)


def _typed(fn: Callable[[pd.DataFrame], pd.DataFrame]) -> Callable[[pd.DataFrame], pd.DataFrame]:
    """The per-series function with its output in the types Spark's Arrow serializer takes: pyspark 4.2
    cannot send pandas 3's Arrow-backed `str` columns (ChunkedArray), so strings go back as objects."""
    def run(group: pd.DataFrame) -> pd.DataFrame:
        out = fn(group)
        if not len(out):
            out = pd.DataFrame({c: [] for c in SERIES_OUTPUT})
        return out[SERIES_OUTPUT].astype({"series_id": object, "model": object, "note": object, "ds": "datetime64[ns]",
                                          "origin": "datetime64[ns]", "horizon": "int64", **{c: "float64" for c in FLOATS}})
    return run
