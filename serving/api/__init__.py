"""The serving API (FastAPI) for advisory services and apps, answering from the published hasiru_api.duckdb."""
