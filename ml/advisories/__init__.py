"""Farm advisories: each row carries farm, date, type, severity, reason code, the inputs used and the model version."""
