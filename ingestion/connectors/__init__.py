"""Connectors that pull from servers and APIs into the landing zone: InfluxDB (sensors), the app's
PostgreSQL, weather providers, the Agmarknet API. Each lands what it pulled as a file, so the bronze
loaders, quarantine and row accounting are the same as for delivered files, and moves its watermark
only after the data it covers is landed."""


class SourceUnavailable(RuntimeError):
    """A server or API could not be reached or answered with errors after retries: nothing was landed
    for the failed part and no watermark moved past it."""
