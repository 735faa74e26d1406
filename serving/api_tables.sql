-- The serving API's tables, built from the lake's views (hasiru.lake_views) into hasiru_api.duckdb
-- by serving/publish.py. One statement per table: "create table <name> as <query>". No phone numbers.
-- Each table is sorted by the key the API looks it up by, so DuckDB's zone maps skip all but a few row
-- groups even when a query has more than the key in its filter (publish also indexes the keys).

-- Who may call the API: the app's users with their platform role and what it covers.
create table api_principals as
select u.user_id, u.role, f.farmer_id, coalesce(a.fpo_id, m.fpo_id) as fpo_id
from silver_app__users as u
left join silver_app__farmers as f on f.user_id = u.user_id and not f.is_deleted
left join silver_app__fpos as a on a.admin_user_id = u.user_id
left join silver_app__current_memberships as m on m.farmer_id = f.farmer_id
where not u.is_deleted
qualify row_number() over (partition by u.user_id order by a.fpo_id nulls last) = 1;

create table api_farms as
select f.farm_id, f.farmer_id, m.fpo_id, f.district, f.block_code, f.lat, f.lon, f.area_acres, f.soil_type, f.irrigation
from silver_app__farms as f
left join silver_app__current_memberships as m using (farmer_id)
where not f.is_deleted
order by f.farm_id;

-- The latest advice per farm and type.
create table api_advisories as
select farm_id, advisory_date, advisory_type, severity, reason_code, amount_mm, amount_litres_per_acre, inputs, model_version
from gold_farm_advisories
qualify advisory_date = max(advisory_date) over (partition by farm_id, advisory_type)
order by farm_id, advisory_type;

-- The champion's forecast from each series' latest training, with how accurate that model was on this
-- series in the backtests (MAE relative to the naive's, 80 % interval coverage) and why it was chosen.
create table api_price_forecasts as
select f.mandi_key as mandi_code, f.commodity, f.forecast_date, f.horizon, f.yhat, f.lo80, f.hi80, f.lo95, f.hi95,
       f.model, f.model_version, f.trained_through, f.last_price_date, f.interval_basis,
       c.reason as champion_reason, c.champion_rel_mae_naive_h1_30 as backtest_rel_mae_naive,
       c.champion_coverage80_h1_30 as backtest_coverage80, c.backtest_days
from gold_price_forecasts as f
left join gold_price_forecast_champions as c using (series_id, trained_through)
where f.is_champion
qualify f.trained_through = max(f.trained_through) over (partition by f.series_id)
order by mandi_code, commodity, forecast_date;

create table api_mandi_latest_prices as
select p.mandi_key as mandi_code, m.mandi_name, m.district, m.lat, m.lon, p.commodity, p.arrival_date,
       p.modal_price_rs_per_qtl, p.min_price_rs_per_qtl, p.max_price_rs_per_qtl
from gold_fct_mandi_prices_daily as p join gold_dim_mandi as m on m.mandi_code = p.mandi_key
where not p.is_outlier
qualify row_number() over (partition by p.mandi_key, p.commodity order by p.arrival_date desc) = 1;

create table api_fpo_overview as
select * from gold_mart_fpo_overview;

-- What was sent (or is about to be) to whom, without the number it went to; suppressed messages never go.
create table api_digests as
select message_id, farmer_id, kind, digest_date, language, text, segments, status, status_reason, scheduled_at,
       sent_at, delivered_at
from ops_sms_outbox
where status <> 'suppressed'
order by farmer_id, scheduled_at desc, message_id;

-- For the FPO managers' app (dashboards/streamlit): members by name (FPO staff know them; no phone numbers).
create table api_farmers as
select f.farmer_id, f.name, f.village, f.district, f.block_code, f.language, f.sms_opt_out, m.fpo_id, m.joined_on
from silver_app__farmers as f
left join silver_app__current_memberships as m using (farmer_id)
where not f.is_deleted
order by m.fpo_id, f.farmer_id;

-- Current crop per farm (the plan in the field today, else the next one to be sown).
create table api_farm_crops as
select farm_id, crop, season, crop_year, area_acres, sowing_date, expected_harvest_date
from silver_app__crop_plans
where not is_deleted and expected_harvest_date >= current_date
qualify row_number() over (partition by farm_id order by sowing_date <= current_date desc, sowing_date desc) = 1
order by farm_id;

-- Certification pipeline: each open or recent application, its step and how long it has been there.
-- Overdue: more than 30 days at one step (the certification bodies' service level for a step).
create table api_certification_pipeline as
with last_event as (
    select application_id, status as step, event_at as step_since
    from silver_app__certification_status_events
    qualify row_number() over (partition by application_id order by event_at desc, event_id desc) = 1
)
select a.application_id, a.farmer_id, a.fpo_id, a.scheme, a.applied_on, coalesce(e.step, a.status) as step,
       coalesce(e.step_since, cast(a.applied_on as timestamptz)) as step_since,
       date_diff('day', cast(coalesce(e.step_since, cast(a.applied_on as timestamptz)) as date), current_date) as days_at_step,
       a.status not in ('certified', 'rejected')
           and date_diff('day', cast(coalesce(e.step_since, cast(a.applied_on as timestamptz)) as date), current_date) > 30 as is_overdue
from silver_app__certification_applications as a
left join last_event as e using (application_id)
where not a.is_deleted
order by a.fpo_id, a.application_id;

-- Per sensor: its latest reading and what is wrong with it, if anything.
create table api_sensor_status as
select sensor_id, farm_id, reading_ts_utc as last_reading_at, soil_moisture_vwc_pct, battery_v,
       case when reading_ts_utc < (select max(reading_ts_utc) from silver_sensors__readings) - interval 1 day then 'stale'
            when battery_v < 3.3 then 'battery_low'
            when soil_moisture_vwc_pct < 10 then 'very_dry'
            else 'ok' end as status
from silver_sensors__readings
qualify row_number() over (partition by sensor_id order by reading_ts_utc desc) = 1
order by farm_id;

-- The last 90 days of modal prices per mandi and commodity, for charts next to the forecasts.
create table api_mandi_price_history as
select mandi_key as mandi_code, commodity, arrival_date, modal_price_rs_per_qtl, arrivals_tonnes
from gold_fct_mandi_prices_daily
where not is_outlier
  and arrival_date >= (select max(arrival_date) from gold_fct_mandi_prices_daily) - 90
order by mandi_code, commodity, arrival_date;

-- How right the advice was, per check, district and week (for the FPO managers' alerts page).
create table api_advisory_verification as
select "check", district, week_start, advised, events, hits, "precision", recall, mae_mm, n
from gold_advisory_verification
order by district, "check", week_start;
