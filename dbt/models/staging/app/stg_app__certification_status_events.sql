-- Silver app.certification_status_events: one row per event_id, the latest version extracted.
{{ app_latest('certification_status_events', 'event_id') }}
