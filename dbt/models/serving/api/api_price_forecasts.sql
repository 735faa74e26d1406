-- The champion's forecast from each series' latest training, with how accurate that model was on this
-- series in the backtests (MAE relative to the naive's, 80 % interval coverage) and why it was chosen.
select f.mandi_key as mandi_code, f.commodity, f.forecast_date, f.horizon, f.yhat, f.lo80, f.hi80, f.lo95, f.hi95,
       f.model, f.model_version, f.trained_through, f.last_price_date, f.interval_basis,
       c.reason as champion_reason, c.champion_rel_mae_naive_h1_30 as backtest_rel_mae_naive,
       c.champion_coverage80_h1_30 as backtest_coverage80, c.backtest_days
from {{ source('pipeline', 'gold_price_forecasts') }} as f
left join {{ source('pipeline', 'gold_price_forecast_champions') }} as c using (series_id, trained_through)
where f.is_champion
qualify f.trained_through = max(f.trained_through) over (partition by f.series_id)
order by mandi_code, commodity, forecast_date
