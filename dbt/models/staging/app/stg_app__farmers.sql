-- Silver app.farmers: one row per farmer_id, the latest version extracted; of two versions as new, the opt-out.
{{ app_latest('farmers', 'farmer_id', 'updated_at', prefer='sms_opt_out desc nulls last') }}
