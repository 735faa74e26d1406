-- Silver app.call_logs: one row per call_id, the latest version extracted.
{{ app_latest('call_logs', 'call_id') }}
