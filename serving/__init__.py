"""Serving: what readers (dashboards, the API) query. Built from gold, never written by readers."""
