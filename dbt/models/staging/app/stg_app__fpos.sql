-- Silver app.fpos: one row per fpo_id, the latest version extracted.
{{ app_latest('fpos', 'fpo_id', 'updated_at') }}
