-- Silver app.farmers: one row per farmer_id, the latest version extracted.
{{ app_latest('farmers', 'farmer_id', 'updated_at') }}
