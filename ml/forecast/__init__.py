"""Mandi price forecasts: per mandi x commodity daily modal price, 30 days ahead with 80 % and 95 % intervals.

Models: naive and seasonal-naive baselines (always computed), Prophet per series, a LightGBM global
model. Rolling-origin backtests choose a champion per series; the per-series fit is a plain function
(pandas in, pandas out) that a local process pool or Spark's applyInPandas can run."""

HORIZON = 30
SEASON = 7  # weekly: arrivals and prices follow the market week
FORECAST_COLUMNS = ["series_id", "ds", "horizon", "yhat", "lo80", "hi80", "lo95", "hi95", "model"]
