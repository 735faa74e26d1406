-- Silver app.certification_applications: one row per application_id, the latest version extracted.
{{ app_latest('certification_applications', 'application_id', 'updated_at') }}
