"""Dagster wiring only: each domain folder exposes its definitions; business logic lives elsewhere."""
