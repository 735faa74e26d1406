-- Silver app.crop_plans: one row per crop_plan_id, the latest version extracted.
{{ app_latest('crop_plans', 'crop_plan_id', 'updated_at') }}
