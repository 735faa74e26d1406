"""Forecast accuracy on real Agmarknet onion prices (the 4 largest Karnataka mandis, 2013-2018).

    .venv/bin/python benchmarks/validate_forecasts_onion.py [--cutoffs 6]

Rolling-origin backtest (cutoffs 30 days apart at the end of 2018): MASE (against the seasonal
naive), sMAPE and 80/95 % interval coverage at horizons 1-7 and 1-30 days, per mandi and model,
next to both baselines; and the champion each mandi would get.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cutoffs", type=int, default=6)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    import pandas as pd

    from ml.forecast.backtest import backtest, champions, forecast_at
    from ml.forecast.series import wholesale_onion_series

    series = wholesale_onion_series(ROOT / "tests" / "fixtures" / "real" / "onion__wholesale_2013_2018_top4_mandis.csv")
    scores = backtest(series, n_cutoffs=args.cutoffs, workers=args.workers)
    table = (scores.groupby(["series_id", "window", "model"])[["mase", "smape", "coverage80", "coverage95"]].mean()
             .round(3).reset_index())
    pd.set_option("display.width", 220)
    pd.set_option("display.max_rows", 200)
    print(f"# onion, 4 mandis, {args.cutoffs} rolling cutoffs 30 days apart\n")
    print(table.to_string(index=False))
    print("\nmean over the mandis:")
    print(table.groupby(["window", "model"])[["mase", "smape", "coverage80", "coverage95"]].mean().round(3).to_string())
    _, rules = forecast_at(series, None, ("naive",))
    print("\nchampions:")
    print(champions(scores, rules).round(3).to_string(index=False))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
