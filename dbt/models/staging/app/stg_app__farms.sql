-- Silver app.farms: one row per farm_id, the latest version extracted.
{{ app_latest('farms', 'farm_id', 'updated_at') }}
