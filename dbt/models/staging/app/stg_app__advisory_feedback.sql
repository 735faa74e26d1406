-- Silver app.advisory_feedback: one row per feedback_id, the latest version extracted.
{{ app_latest('advisory_feedback', 'feedback_id') }}
