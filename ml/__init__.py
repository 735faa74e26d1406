"""Batch ML: price forecasts (and, later, advisories)."""
