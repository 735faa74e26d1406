-- Silver app.users: one row per user_id, the latest version extracted.
{{ app_latest('users', 'user_id', 'updated_at') }}
