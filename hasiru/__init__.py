"""Hasiru Mitra data platform: shared settings and the `hasiru` command line."""
