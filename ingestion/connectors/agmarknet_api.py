"""Mandi prices from the data.gov.in Agmarknet API, paged, landed for the mandi_prices source.

GET {base}/resource/{resource}?api-key=..&format=json&offset=..&limit=..&filters[state.keyword]=..
&filters[arrival_date]=dd/mm/yyyy, following `total` until every record is read; all pages of a
day are landed together in one file (nothing is landed if a page fails), parsed by
ingestion/parsers/agmarknet_api.py into bronze.mandi_prices beside the CSV exports.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

from hasiru.config import IST, env
from ingestion import landing
from ingestion.connectors import SourceUnavailable
from ingestion.connectors.http import RetryingClient

SOURCE = "mandi_prices"
RESOURCE = "9ef84268-d588-465a-a308-a864a43d0070"  # "Current daily price of various commodities from various markets (Mandi)"


class AgmarknetApi:
    def __init__(self, base_url: str, api_key: str, resource: str = RESOURCE, page_size: int = 1000,
                 timeout_s: float = 30.0, retries: int = 3, backoff_s: float = 1.0, max_pages: int = 1000):
        self.api_key, self.resource, self.page_size, self.max_pages = api_key, resource, page_size, max_pages
        self.http = RetryingClient("data.gov.in", base_url, timeout_s=timeout_s, retries=retries, backoff_s=backoff_s)

    @classmethod
    def from_env(cls) -> "AgmarknetApi":
        key = env("HASIRU_DATAGOVIN_API_KEY")
        if not key:
            raise SourceUnavailable("HASIRU_DATAGOVIN_API_KEY is not set (a data.gov.in API key); see README, section Connectors")
        return cls(env("HASIRU_DATAGOVIN_URL"), key)

    def fetch_day(self, day: dt.date, state: str = "Karnataka", now: dt.datetime | None = None,
                  progress: Callable[[str], None] = lambda _: None) -> dict:
        now = now or dt.datetime.now(dt.timezone.utc)
        pages, offset, total = [], 0, None
        while total is None or offset < total:
            if len(pages) >= self.max_pages:
                raise SourceUnavailable(f"data.gov.in: more than {self.max_pages} pages for {day}: stopping")
            resp = self.http.get(f"/resource/{self.resource}", params={
                "api-key": self.api_key, "format": "json", "offset": offset, "limit": self.page_size,
                "filters[state.keyword]": state, "filters[arrival_date]": day.strftime("%d/%m/%Y")})
            if resp.status_code != 200:
                raise SourceUnavailable(f"data.gov.in answered HTTP {resp.status_code} at offset {offset}: {resp.text[:200]}")
            try:
                page = resp.json()
                total, count = int(page["total"]), len(page["records"])
            except (ValueError, KeyError, TypeError) as e:
                raise SourceUnavailable(f"data.gov.in: unreadable page at offset {offset}: {resp.text[:200]!r}") from e
            pages.append(page)
            if count == 0:
                break  # fewer records than `total` promised: keep what there is
            offset += count
        records = sum(len(p["records"]) for p in pages)
        doc = {"source": "data.gov.in", "resource": self.resource, "state": state, "arrival_date": day.isoformat(),
               "fetched_at": now.isoformat(), "pages": pages}
        path = landing.write(SOURCE, landing.day_of(now), f"agmarknet_api_{day}_{now.astimezone(IST):%Y%m%dT%H%M%S}.json",
                             json.dumps(doc, ensure_ascii=False).encode())
        progress(f"data.gov.in {day}: {records:,} records in {len(pages)} pages -> {path}")
        return {"records": records, "pages": len(pages), "file": path}

    def close(self) -> None:
        self.http.close()
