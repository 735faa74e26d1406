"""The lake: one declaration per table (catalog) and the Delta I/O every reader and writer uses."""
