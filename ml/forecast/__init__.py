"""Mandi price forecasts: per mandi x commodity daily modal price, 30 days ahead with 80 % and 95 % intervals.

Models (ml/forecast/models.py, global_model.py): the naive (last price, the baseline that matters for
prices) and seasonal naive baselines, the Theta method, a LightGBM global model learnt across every
mandi and commodity, their combination, and Prophet on request. Every model gives point forecasts; the
intervals of all of them come from their own out-of-sample errors in rolling-origin backtests
(ml/forecast/intervals.py). Backtests choose a champion per series (ml/forecast/backtest.py); the
per-series fit is a plain function (pandas in, pandas out) that a local process pool or Spark's
applyInPandas can run."""

HORIZON = 30
SEASON = 7  # weekly: arrivals and prices follow the market week
# horizon bands every score and every interval calibration is reported for
BANDS = {"h1_7": (1, 7), "h8_14": (8, 14), "h15_30": (15, 30), "h1_30": (1, 30)}
# what the per-series function returns: point forecasts from one origin; intervals are added afterwards
POINT_COLUMNS = ["series_id", "origin", "ds", "horizon", "yhat", "model", "note"]
INTERVAL_COLUMNS = ["lo80", "hi80", "lo95", "hi95"]
FORECAST_COLUMNS = POINT_COLUMNS + INTERVAL_COLUMNS + ["interval_basis"]
