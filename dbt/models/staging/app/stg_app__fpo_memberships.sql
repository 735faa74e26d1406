-- Silver app.fpo_memberships: one row per membership_id, the latest version extracted.
{{ app_latest('fpo_memberships', 'membership_id', 'updated_at') }}
