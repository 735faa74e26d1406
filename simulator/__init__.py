"""The demo world: a deterministic, seeded Karnataka that writes every source in its real format."""
