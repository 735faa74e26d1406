"""dbt-duckdb plugin: the pseudonym salt as a DuckDB variable of every connection dbt opens.

The `pseudonym` macro reads it with getvariable('pseudonym_salt'), so the salt is never written into
compiled SQL, manifests or logs under dbt/target (an env_var in a model would be). A missing salt is
an error here, not an unsalted hash (hasiru/secrets.py makes or reads it)."""

from __future__ import annotations

from dbt.adapters.duckdb.plugins import BasePlugin

from hasiru.secrets import pseudonym_salt


class Plugin(BasePlugin):
    def initialize(self, plugin_config):
        self._statement = "SET VARIABLE pseudonym_salt = '{}'".format(pseudonym_salt().replace("'", "''"))

    def configure_connection(self, conn):
        conn.execute(self._statement)

    def configure_cursor(self, cursor):
        cursor.execute(self._statement)
