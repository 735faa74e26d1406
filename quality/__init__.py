"""Data-quality suites (Great Expectations) for bronze and silver, run as Dagster asset checks."""
