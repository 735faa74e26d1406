-- The app's operational tables in PostgreSQL, as the extractor expects them (lake/tables.py APP_TABLES
-- declares the same columns for bronze; tests/test_connector_postgres.py keeps the two in step).
-- Every table has an incremental column (updated_at, or the event time of append-only tables) and an
-- index on (that column, primary key) for keyset extraction.

create table if not exists users (
    user_id text primary key,
    role text not null check (role in ('farmer', 'fpo_admin', 'platform_admin', 'certification_body', 'field_officer')),
    phone text,
    language text,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    deleted_at timestamptz
);
create index if not exists users_extract on users (updated_at, user_id);

create table if not exists fpos (
    fpo_id text primary key,
    name text not null,
    district text,
    block_code text,
    registered_on date,
    admin_user_id text references users (user_id),
    updated_at timestamptz not null
);
create index if not exists fpos_extract on fpos (updated_at, fpo_id);

create table if not exists farmers (
    farmer_id text primary key,
    user_id text references users (user_id),
    name text,
    phone text,
    language text,
    district text,
    block_code text,
    village text,
    sms_opt_out boolean not null default false,
    created_at timestamptz not null,
    updated_at timestamptz not null,
    deleted_at timestamptz
);
create index if not exists farmers_extract on farmers (updated_at, farmer_id);

create table if not exists fpo_memberships (
    membership_id text primary key,
    fpo_id text references fpos (fpo_id),
    farmer_id text references farmers (farmer_id),
    joined_on date,
    status text,
    updated_at timestamptz not null
);
create index if not exists fpo_memberships_extract on fpo_memberships (updated_at, membership_id);

create table if not exists farms (
    farm_id text primary key,
    farmer_id text references farmers (farmer_id),
    area_acres double precision,
    lat double precision,
    lon double precision,
    district text,
    block_code text,
    soil_type text,
    irrigation text,
    updated_at timestamptz not null
);
create index if not exists farms_extract on farms (updated_at, farm_id);

create table if not exists crop_plans (
    crop_plan_id text primary key,
    farm_id text references farms (farm_id) on delete cascade,
    season text,
    crop_year bigint,
    crop text,
    area_acres double precision,
    sowing_date date,
    expected_harvest_date date,
    updated_at timestamptz not null
);
create index if not exists crop_plans_extract on crop_plans (updated_at, crop_plan_id);

create table if not exists products (
    product_id text primary key,
    name text,
    category text,
    unit text,
    price_rs double precision,
    updated_at timestamptz not null
);
create index if not exists products_extract on products (updated_at, product_id);

create table if not exists orders (
    order_id text primary key,
    farmer_id text references farmers (farmer_id),
    fpo_id text references fpos (fpo_id),
    ordered_at timestamptz,
    status text,
    total_rs double precision,
    updated_at timestamptz not null
);
create index if not exists orders_extract on orders (updated_at, order_id);

create table if not exists order_items (
    order_item_id text primary key,
    order_id text references orders (order_id) on delete cascade,
    product_id text references products (product_id),
    quantity double precision,
    unit_price_rs double precision,
    updated_at timestamptz not null
);
create index if not exists order_items_extract on order_items (updated_at, order_item_id);

create table if not exists certification_applications (
    application_id text primary key,
    farmer_id text references farmers (farmer_id),
    fpo_id text references fpos (fpo_id),
    scheme text,
    applied_on date,
    status text,
    updated_at timestamptz not null
);
create index if not exists certification_applications_extract on certification_applications (updated_at, application_id);

create table if not exists certification_status_events (
    event_id text primary key,
    application_id text references certification_applications (application_id) on delete cascade,
    status text,
    event_at timestamptz not null,
    note text
);
create index if not exists certification_status_events_extract on certification_status_events (event_at, event_id);

create table if not exists advisory_feedback (
    feedback_id text primary key,
    farmer_id text references farmers (farmer_id),
    farm_id text references farms (farm_id) on delete set null,
    advisory_type text,
    reported_issue text,
    rating bigint,
    created_at timestamptz not null
);
create index if not exists advisory_feedback_extract on advisory_feedback (created_at, feedback_id);

create table if not exists call_logs (
    call_id text primary key,
    farmer_id text references farmers (farmer_id),
    started_at timestamptz not null,
    duration_s bigint,
    language text,
    intent text
);
create index if not exists call_logs_extract on call_logs (started_at, call_id);
