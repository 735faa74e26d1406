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
left join (select farmer_id, fpo_id from silver_app__fpo_memberships where status = 'active'
           qualify row_number() over (partition by farmer_id order by joined_on desc) = 1) as m on m.farmer_id = f.farmer_id
where not u.is_deleted
qualify row_number() over (partition by u.user_id order by a.fpo_id nulls last) = 1;

create table api_farms as
select f.farm_id, f.farmer_id, m.fpo_id, f.district, f.block_code, f.lat, f.lon, f.area_acres, f.soil_type, f.irrigation
from silver_app__farms as f
left join (select farmer_id, fpo_id from silver_app__fpo_memberships where status = 'active'
           qualify row_number() over (partition by farmer_id order by joined_on desc) = 1) as m using (farmer_id)
where not f.is_deleted
order by f.farm_id;

-- The latest advice per farm and type.
create table api_advisories as
select farm_id, advisory_date, advisory_type, severity, reason_code, amount_mm, amount_litres_per_acre, inputs, model_version
from gold_farm_advisories
qualify advisory_date = max(advisory_date) over (partition by farm_id, advisory_type)
order by farm_id, advisory_type;

-- The champion's forecast from each series' latest training.
create table api_price_forecasts as
select mandi_key as mandi_code, commodity, forecast_date, horizon, yhat, lo80, hi80, lo95, hi95, model, model_version, trained_through
from gold_price_forecasts
where is_champion
qualify trained_through = max(trained_through) over (partition by series_id)
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
