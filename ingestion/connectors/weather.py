"""Weather for every block through the platform's fallback chain: primary provider -> backup -> the
India Meteorological Department (IMD).

The primary and the backup speak the OpenWeatherMap One Call API (`/data/3.0/onecall` for 5-day
forecasts, `/data/3.0/onecall/day_summary` for an observed day); IMD serves district forecasts, which
stand for each block of the district. Per block, the first provider that answers with a usable body
wins; a timeout, an HTTP error, malformed JSON or an empty body moves on to the next. Each provider has
retries with backoff and a circuit breaker, so a provider that is down costs a few tries, not a timeout
per block. What was fetched is landed in the `weather` envelope, one file per provider that served
something, so every bronze row names its provider and the forecast's issue time. Blocks no provider
could serve are reported and raise SourceUnavailable after the rest is landed; data landed earlier
is never touched.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from hasiru.config import IST, env
from ingestion import landing
from ingestion.connectors import SourceUnavailable
from ingestion.connectors.http import CircuitBreaker, RetryingClient
from hasiru.reference import geography

SOURCE = "weather"


class ChainExhausted(SourceUnavailable):
    """No provider served some blocks; `report` says what was served and landed."""

    def __init__(self, message: str, report: "FetchReport"):
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Provider:
    name: str  # recorded in every row it serves
    kind: str  # "owm" (One Call API) or "imd" (district forecasts)
    base_url: str
    api_key: str = ""


@dataclass
class FetchReport:
    served: dict[str, dict[str, int]] = field(default_factory=dict)  # kind -> provider -> blocks
    failed: dict[str, list[str]] = field(default_factory=dict)  # kind -> blocks no provider served
    problems: dict[str, str] = field(default_factory=dict)  # provider -> last problem
    files: list[str] = field(default_factory=list)


def providers_from_env() -> list[Provider]:
    """HASIRU_WEATHER_PRIMARY_URL/_KEY, HASIRU_WEATHER_BACKUP_URL/_KEY, HASIRU_IMD_URL (README, "Connectors")."""
    chain = []
    for role, name in (("PRIMARY", "openweathermap"), ("BACKUP", "backup")):
        url = env(f"HASIRU_WEATHER_{role}_URL")
        if url:
            chain.append(Provider(env(f"HASIRU_WEATHER_{role}_NAME", name), "owm", url,
                                  env(f"HASIRU_WEATHER_{role}_KEY")))
    if env("HASIRU_IMD_URL"):
        chain.append(Provider("imd", "imd", env("HASIRU_IMD_URL")))
    if not chain:
        raise SourceUnavailable("no weather provider configured: set HASIRU_WEATHER_PRIMARY_URL (and the backup, HASIRU_IMD_URL)")
    return chain


class WeatherFetcher:
    def __init__(self, chain: list[Provider], timeout_s: float = 10.0, retries: int = 2, backoff_s: float = 0.5,
                 breaker_failures: int = 3):
        self.chain = chain
        self.clients = {p.name: RetryingClient(p.name, p.base_url, timeout_s=timeout_s, retries=retries, backoff_s=backoff_s,
                                               breaker=CircuitBreaker(failures=breaker_failures)) for p in chain}

    def _json(self, p: Provider, path: str, params: dict) -> dict:
        resp = self.clients[p.name].get(path, params=params)
        if resp.status_code != 200:
            raise SourceUnavailable(f"{p.name}: HTTP {resp.status_code}: {resp.text[:200]}")
        if not resp.content.strip():
            raise SourceUnavailable(f"{p.name}: empty response")
        try:
            body = resp.json()
        except ValueError:
            raise SourceUnavailable(f"{p.name}: malformed JSON: {resp.text[:100]!r}") from None
        if not isinstance(body, dict):
            raise SourceUnavailable(f"{p.name}: expected a JSON object")
        return body

    def _owm(self, p: Provider, block: dict, kind: str, day: dt.date) -> dict:
        params = {"lat": round(block["lat"], 4), "lon": round(block["lon"], 4), "appid": p.api_key, "units": "metric"}
        if kind == "forecast":
            body = self._json(p, "/data/3.0/onecall", {**params, "exclude": "current,minutely,hourly,alerts"})
            if not body.get("daily"):
                raise SourceUnavailable(f"{p.name}: no daily forecast in the response")
        else:
            body = self._json(p, "/data/3.0/onecall/day_summary", {**params, "date": day.isoformat(), "tz": "+05:30"})
            if "temperature" not in body:
                raise SourceUnavailable(f"{p.name}: no observed day in the response")
        return body

    def _imd(self, p: Provider, district: str) -> dict:
        body = self._json(p, "/api/district_forecast", {"district": district})
        if not body.get("Forecast"):
            raise SourceUnavailable(f"{p.name}: no forecast for district {district}")
        return body

    def fetch(self, kind: str, day: dt.date, now: dt.datetime | None = None, blocks: list[str] | None = None,
              progress: Callable[[str], None] = lambda _: None) -> FetchReport:
        """kind: "forecast" (5-day, issued now) or "observed" (the day `day`). Lands what it got."""
        now = now or dt.datetime.now(dt.timezone.utc)
        wanted = [b for b in geography().blocks if blocks is None or b["block_code"] in blocks]
        report = FetchReport()
        owm: dict[str, list[dict]] = {}
        imd: dict[str, dict] = {}  # district -> item
        for block in wanted:
            served = None
            for p in self.chain:
                if p.kind == "imd" and kind != "forecast":
                    continue  # IMD's district product is a forecast
                try:
                    if p.kind == "owm":
                        body = self._owm(p, block, kind, day)
                        owm.setdefault(p.name, []).append({"block_code": block["block_code"], "response": body})
                    else:
                        item = imd.get(block["district"])
                        if item is None:
                            item = {"district": block["district"], "blocks": [], "response": self._imd(p, block["district"])}
                            imd[block["district"]] = item
                        item["blocks"].append({"block_code": block["block_code"], "lat": block["lat"], "lon": block["lon"]})
                    served = p.name
                    break
                except SourceUnavailable as e:
                    report.problems[p.name] = str(e)
            if served:
                report.served.setdefault(kind, {}).setdefault(served, 0)
                report.served[kind][served] += 1
            else:
                report.failed.setdefault(kind, []).append(block["block_code"])
        endpoint = "onecall" if kind == "forecast" else "onecall/day_summary"
        landing_day = landing.day_of(now)
        stamp = f"{now.astimezone(IST):%Y%m%dT%H%M%S}"
        for name, responses in owm.items():
            doc = {"provider": name, "endpoint": endpoint, "fetched_at": now.astimezone(IST).isoformat(), "responses": responses}
            report.files.append(landing.write(SOURCE, landing_day, f"{name}_{kind}_{day}_{stamp}.json", json.dumps(doc).encode()))
        if imd:
            doc = {"provider": "imd", "endpoint": "imd/district_forecast", "fetched_at": now.astimezone(IST).isoformat(),
                   "responses": list(imd.values())}
            report.files.append(landing.write(SOURCE, landing_day, f"imd_{kind}_{day}_{stamp}.json", json.dumps(doc).encode()))
        progress(f"weather {kind} {day}: served {report.served.get(kind, {})}; failed {len(report.failed.get(kind, []))} blocks")
        if report.failed.get(kind):
            raise ChainExhausted(
                f"weather {kind} {day}: no provider served {len(report.failed[kind])} of {len(wanted)} blocks "
                f"({', '.join(report.failed[kind][:10])}); last problems: {report.problems}; "
                f"the {sum(report.served.get(kind, {}).values())} blocks served were landed ({report.files}), "
                "earlier data is untouched", report)
        return report

    def close(self) -> None:
        for c in self.clients.values():
            c.close()
