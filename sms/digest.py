"""Batch SMS for farmers: the twice-weekly digest and severe-weather alerts, rendered in the farmer's
language from the latest advisories, weather forecasts and price forecasts, and queued in the outbox.

Content per farmer, by priority: severe weather in a block of the farmer's farms > pest risk (the
highest over the farmer's farms) > irrigation (the farm needing most water) > the price of the main
crop (largest planted area) at the nearest mandi with a forecast. Items are added whole, in that
order, while the message stays within MAX_SEGMENTS; an item that does not fit is dropped and named
in `dropped_blocks` (text is never cut). Each digest's template is the one registered for its header
and blocks (sms.templates).

Idempotent: message ids are derived from farmer, kind and date, and queueing inserts only ids the
outbox does not have, so a rerun neither duplicates a message nor resets one already sent. Opted-out
farmers, numbers on the DND list and malformed numbers get a `suppressed` row (with the reason), never
a send. Nothing is scheduled in quiet hours (21:00-08:00 IST): such messages wait for 08:00.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from hasiru import console
from hasiru.config import IST
from hasiru.numbers import grouped
from lake import delta_io
from lake.tables import SMS_DND, SMS_OUTBOX
from sms import kannada, segments, templates
from hasiru.reference import block_place, geography, mandi_place
from sms.weather_alerts import HAZARD
from transform import serving_build
from transform.dbt_env import project_vars

MAX_SEGMENTS = 2
DIGEST_WEEKDAYS = (1, 4)  # Tuesday, Friday: the cadence of the district agromet advisories
QUIET_START, QUIET_END = dt.time(21, 0), dt.time(8, 0)
SEND_FROM = dt.time(9, 0)  # digests are scheduled for 09:00 IST on their day
PHONE = re.compile(r"^\+91[6-9]\d{9}$")
IRRIGATION_BLOCKS = {"IRRIGATE": "irrigate", "RAIN_EXPECTED": "rain_expected", "NO_DEFICIT": "no_irrigation"}
MAX_FORECAST_HORIZON = project_vars()["price_max_horizon_days"]  # the longest price-forecast lead quoted
MIXED_CROPS = {"vegetables"}  # a crop plan that names no single crop: no price quoted for it


class TooLate(ValueError):
    """The day a message is about has passed: it would reach farmers after the fact."""


def in_quiet_hours(ts: dt.datetime) -> bool:
    t = ts.astimezone(IST).time()
    return t >= QUIET_START or t < QUIET_END


def next_allowed(ts: dt.datetime) -> dt.datetime:
    """`ts`, or the end of the quiet hours it falls in (UTC)."""
    if not in_quiet_hours(ts):
        return ts
    local = ts.astimezone(IST)
    day = local.date() + dt.timedelta(days=1) if local.time() >= QUIET_START else local.date()
    return dt.datetime.combine(day, QUIET_END, IST).astimezone(dt.timezone.utc)


def message_id(farmer_id: str, kind: str, key: str) -> str:
    return hashlib.sha256(f"{farmer_id}|{kind}|{key}".encode()).hexdigest()[:32]


def short(text: str, limit: int = templates.MAX_VAR_CHARS) -> str:
    """A name cut at a word boundary to fit a DLT variable (mandi names can be long)."""
    if len(text) <= limit:
        return text
    cut = text[:limit + 1].rsplit(" ", 1)[0].rstrip(" ,(-")
    return cut if cut else text[:limit]


def rupees(amount: float) -> str:
    """Whole rupees grouped the Indian way, as farmers read prices: 3590 -> 3,590; 125000 -> 1,25,000."""
    return grouped(amount)


def _date_var(d: dt.date) -> str:
    return f"{d.day}/{d.month}"


@dataclass
class Composed:
    template_id: str
    text: str
    blocks: list[str]
    dropped: list[str] = field(default_factory=list)
    encoding: str = ""
    segments: int = 0


def compose(language: str, day: dt.date, items: list[tuple[str, dict[str, str]]], max_segments: int = MAX_SEGMENTS) -> Composed | None:
    """Header plus as many items (block name, its variables; in priority order) as fit, whole."""
    ts = templates.load(language)
    text = templates.fill(ts.header, {"date": _date_var(day)})
    chosen, dropped = [], []
    for block, values in items:
        try:
            candidate = text + templates.fill(ts.blocks[block], values)
        except templates.RenderError:
            dropped.append(block)  # e.g. a variable over 30 characters: the item cannot be sent as registered
            continue
        if segments.segments(candidate) <= max_segments:
            text, chosen = candidate, chosen + [block]
        else:
            dropped.append(block)
    if not chosen:
        return None
    count = segments.count(text)
    return Composed(templates.digest_template_id(ts, chosen), text, chosen, dropped, count.encoding, count.segments)


def _inputs(day: dt.date, progress: Callable[[str], None] | None = None) -> pa.Table:
    """One row per active farmer with everything a digest can say (nulls where there is nothing): dbt's
    sms_digest_inputs (dbt/models/serving/sms) for `day`, built into a scratch file and read back."""
    with tempfile.TemporaryDirectory(prefix="hasiru-digest-") as scratch:
        path = Path(scratch) / "digest.duckdb"
        serving_build.build(path, "digest", {"digest_day": day.isoformat()}, progress)  # the rest: the project's vars
        with duckdb.connect(str(path), read_only=True) as con:
            return con.sql("select * from sms_digest_inputs order by farmer_id").to_arrow_table()


# The 7-day 80 % range is quoted only when it is narrower than half the price (about +-25 %): wider, and
# "Rs 1,500-4,500" would read as a forecast while it says almost nothing.
INFORMATIVE_RANGE = 0.5


def informative_range(price: float | None, lo: float | None, hi: float | None) -> bool:
    return bool(price and lo and hi and price > 0 and (hi - lo) / price <= INFORMATIVE_RANGE)


def _items(r: dict, ts: templates.TemplateSet) -> list[tuple[str, dict[str, str]]]:
    items = []
    if r["weather_kind"]:
        items.append((f"weather_{HAZARD[r['weather_kind']]}", {"weather": ts.term("weather", r["weather_kind"]),
                                                               "date": _date_var(r["weather_date"])}))
    if r["threat"] and r["pest_crop"] in ts.terms["crop"]:
        items.append(("pest", {"threat": ts.term("threat", r["threat"]), "crop": ts.term("crop", r["pest_crop"])}))
    if r["irrigation_reason"] and r["irrigation_crop"] in ts.terms["crop"]:
        block = IRRIGATION_BLOCKS[r["irrigation_reason"]]
        values = {"crop": ts.term("crop", r["irrigation_crop"])}
        if block == "irrigate":
            values["mm"] = f"{max(1, round(r['amount_mm'] or 0))}"
        items.append((block, values))
    # "vegetables" farms: the mandi price under that name is brinjal's, not necessarily their crop's
    if r["price_crop"] and r["price_crop"] in ts.terms["crop"] and r["price_crop"] not in MIXED_CROPS:
        mandi = mandi_place(r["mandi_name"], r["mandi_district"] or "", ts.language)
        values = {"crop": ts.term("crop", r["price_crop"]), "mandi": short(mandi), "price": rupees(r["price"])}
        if informative_range(r["price"], r["lo80"], r["hi80"]):
            items.append(("price", {**values, "lo": rupees(r["lo80"]), "hi": rupees(r["hi80"])}))
        else:  # a range this wide tells a farmer nothing: say so instead of quoting it
            items.append(("price_only", values))
    return items


def _in_place(place: str, language: str) -> str:
    """The alert's {place}: in Kannada already in the locative ("in Mandya": ಮಂಡ್ಯದಲ್ಲಿ), whose ending depends on
    the name (sms/kannada.py); English and Hindi put "in" / "में" in the template."""
    if language == "kn":
        return kannada.locative(short(place, templates.MAX_VAR_CHARS - len("ದಲ್ಲಿ")))
    return short(place)


def _alert_place(r: dict, blocks: dict[str, dict], language: str) -> str:
    """Where the severe weather is: the farm's block (the taluk in the farmer's script), else its district."""
    b = blocks.get(r["weather_block"])
    district = b["district"] if b else (r["weather_district"] or "")
    return block_place(district, b["block"] if b else district or r["weather_block"], language)


@dataclass
class Batch:
    rows: list[dict]
    stats: dict[str, int]

    def table(self) -> pa.Table:
        return pa.Table.from_pylist(self.rows, schema=SMS_OUTBOX.schema)


def reads() -> tuple[str, ...]:
    """What build() reads from the lake (the outbox asset's deps come from here): the DND list (kept by the
    operator from the TRAI registry, not by an asset) and what the digest models' SQL names."""
    return (SMS_DND.name, *serving_build.reads("digest"))


def build(day: dt.date, digests: bool | None = None, now: dt.datetime | None = None,
          progress: Callable[[str], None] = lambda _: None) -> Batch:
    """Outbox rows for `day`: severe-weather alerts always, digests on digest days (or when `digests`)."""
    templates.require_complete()
    now = now or dt.datetime.now(dt.timezone.utc)
    digests = day.weekday() in DIGEST_WEEKDAYS if digests is None else digests
    dnd = set(delta_io.read_arrow(SMS_DND, columns=["phone"])["phone"].to_pylist())
    rows_in = _inputs(day).to_pylist()
    blocks = {b["block_code"]: b for b in geography().blocks}
    digest_at = next_allowed(max(now, dt.datetime.combine(day, SEND_FROM, IST).astimezone(dt.timezone.utc)))
    alert_at = next_allowed(now)
    # a digest is about its day: if it could only go out after that day ends, it is not queued at all
    digests_late = digests and digest_at.astimezone(IST).date() > day
    stats = {"farmers": len(rows_in), "digests": 0, "alerts": 0, "suppressed": 0, "nothing_to_say": 0, "dropped_items": 0,
             "too_late": 0}
    out = []
    for r in rows_in:
        lang = r["language"] if r["language"] in templates.LANGUAGES else "en"
        ts = templates.load(lang)
        reason = ("opt_out" if r["sms_opt_out"] else "invalid_phone" if not (r["phone"] and PHONE.match(r["phone"]))
                  else "dnd" if r["phone"] in dnd else None)
        messages = []
        if r["weather_kind"] and alert_at.astimezone(IST).date() > r["weather_date"]:
            stats["too_late"] += 1  # the weather it warns of would have come before the alert
        elif r["weather_kind"]:
            name = f"alert_{HAZARD[r['weather_kind']]}"
            text = templates.fill(ts.alerts[name], {"weather": ts.term("weather", r["weather_kind"]),
                                                    "date": _date_var(r["weather_date"]),
                                                    "place": _in_place(_alert_place(r, blocks, lang), lang)})
            count = segments.count(text)
            alert = Composed(templates.alert_template_id(ts, name), text, [name], [], count.encoding, count.segments)
            messages.append(("alert", f"{r['weather_kind']}|{r['weather_date']}", alert, alert_at))
        if digests_late:
            stats["too_late"] += 1
        elif digests:
            digest = compose(lang, day, _items(r, ts))
            if digest is None:
                stats["nothing_to_say"] += 1
            else:
                messages.append(("digest", str(day), digest, digest_at))
                stats["dropped_items"] += len(digest.dropped)
        for kind, key, m, at in messages:
            stats["suppressed" if reason else kind + "s"] += 1
            out.append({"message_id": message_id(r["farmer_id"], kind, key), "farmer_id": r["farmer_id"], "phone": r["phone"],
                        "kind": kind, "digest_date": day, "template_id": m.template_id, "language": lang, "text": m.text,
                        "encoding": m.encoding, "segments": m.segments, "blocks": ",".join(m.blocks),
                        "dropped_blocks": ",".join(m.dropped), "scheduled_at": at,
                        "status": "suppressed" if reason else "queued", "status_reason": reason, "attempts": 0,
                        "provider": None, "provider_message_id": None, "sent_at": None, "delivered_at": None,
                        "created_at": now, "updated_at": now})
    progress(f"sms {day}: {console.counts(stats)}")
    return Batch(out, stats)


def queue(day: dt.date, digests: bool | None = None, now: dt.datetime | None = None,
          progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Build `day`'s messages and insert the ones the outbox does not have yet. A day that has passed is
    refused (TooLate): its digest and alerts would reach farmers after what they are about."""
    now = now or dt.datetime.now(dt.timezone.utc)
    today = now.astimezone(IST).date()
    if day < today:
        raise TooLate(f"{day} has passed (today is {today} IST): its digest and alerts would reach farmers after the day "
                      f"they are about; nothing queued. Queue today's: hasiru sms queue --date {today}")
    batch = build(day, digests=digests, now=now, progress=progress)
    result = delta_io.merge(SMS_OUTBOX, batch.table(), update=False)
    return {**batch.stats, "inserted": int(result.get("num_target_rows_inserted", 0))}
