"""Send what is due in the outbox through a gateway, and apply delivery receipts.

A message is due when it is `queued` or `retry` and its scheduled time has come, outside quiet hours.
Each send carries the message id as the idempotency key, and statuses are written back every
CHUNK messages: a run that dies between a send and its status write re-sends with the same key, which
the gateway answers with the original message instead of a second SMS. Transient failures (timeouts,
429, 5xx) are retried in the run with backoff, then left as `retry` for the next run until
MAX_ATTEMPTS, after which the message is `failed`; a 4xx is `rejected` at once, with the gateway's reason.
"""

from __future__ import annotations

from hasiru import console
import datetime as dt
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pyarrow as pa

from lake import delta_io
from lake.tables import SMS_OUTBOX
from sms.digest import in_quiet_hours
from sms.gateway import Gateway, OutgoingSms, SendResult

MAX_ATTEMPTS = 5
TRIES_PER_RUN = 3
BACKOFF_S = 0.5
CHUNK = 500
WORKERS = 8


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _send_with_retries(gateway: Gateway, row: dict, tries: int, backoff_s: float) -> tuple[SendResult, int]:
    sms = OutgoingSms(row["message_id"], row["phone"], row["text"], row["template_id"], row["encoding"] == "UCS-2")
    result = SendResult("transient", reason="not tried")
    for attempt in range(1, tries + 1):
        result = gateway.send(sms)
        if result.outcome != "transient":
            return result, attempt
        if attempt < tries:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return result, tries


def _apply(row: dict, result: SendResult, attempts: int, gateway: Gateway, now: dt.datetime, max_attempts: int) -> dict:
    row = {**row, "attempts": row["attempts"] + attempts, "updated_at": now, "provider": gateway.name}
    if result.outcome == "accepted":
        return {**row, "status": "sent", "status_reason": None, "provider_message_id": result.provider_message_id, "sent_at": now}
    if result.outcome == "rejected":
        return {**row, "status": "rejected", "status_reason": result.reason}
    return {**row, "status": "failed" if row["attempts"] >= max_attempts else "retry", "status_reason": result.reason}


def _select(where: str, params: list) -> list[dict]:
    con = duckdb.connect()
    try:
        delta_io.duckdb_relation(SMS_OUTBOX, con).create_view("outbox")
        return con.sql(f"select * from outbox where {where}", params=params).to_arrow_table().cast(SMS_OUTBOX.schema).to_pylist()
    finally:
        con.close()


def _write(rows: list[dict]) -> None:
    if rows:
        delta_io.merge(SMS_OUTBOX, pa.Table.from_pylist(rows, schema=SMS_OUTBOX.schema))


def send_due(gateway: Gateway, now: dt.datetime | None = None, limit: int | None = None, workers: int = WORKERS,
             tries: int = TRIES_PER_RUN, backoff_s: float = BACKOFF_S, max_attempts: int = MAX_ATTEMPTS,
             progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    now = now or _utcnow()
    if in_quiet_hours(now):
        progress("quiet hours (21:00-08:00 IST): nothing is sent")
        return {"due": 0, "quiet_hours": 1}
    rows = _select("status in ('queued', 'retry') and scheduled_at <= ? order by scheduled_at, message_id"
                   + (f" limit {int(limit)}" if limit else ""), [now])
    counts = {"due": len(rows), "sent": 0, "rejected": 0, "retry": 0, "failed": 0}
    with ThreadPoolExecutor(max(1, workers)) as pool:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            results = pool.map(lambda r: _send_with_retries(gateway, r, tries, backoff_s), chunk)
            updated = [_apply(r, res, n, gateway, now, max_attempts) for r, (res, n) in zip(chunk, results)]
            _write(updated)
            for u in updated:
                counts[u["status"]] += 1
            progress(f"sms: {start + len(chunk):,}/{len(rows):,} handled; {console.counts(dict(counts))}")
    return counts


def poll_receipts(gateway: Gateway, now: dt.datetime | None = None, workers: int = WORKERS,
                  progress: Callable[[str], None] = lambda _: None) -> dict[str, int]:
    """Ask the gateway about every `sent` message; record deliveries and failures (pending ones stay `sent`)."""
    now = now or _utcnow()
    rows = _select("status = 'sent'", [])
    counts = {"asked": len(rows), "delivered": 0, "undelivered": 0, "pending": 0, "unknown": 0}
    with ThreadPoolExecutor(max(1, workers)) as pool:
        receipts = list(pool.map(lambda r: gateway.receipt(r["provider_message_id"]), rows))
    updated = []
    for row, receipt in zip(rows, receipts):
        if receipt is None:
            counts["unknown"] += 1
        elif receipt.status == "pending":
            counts["pending"] += 1
        else:
            counts[receipt.status] += 1
            updated.append({**row, "status": receipt.status, "status_reason": receipt.reason, "updated_at": now,
                            "delivered_at": now if receipt.status == "delivered" else None})
    _write(updated)
    progress(f"sms receipts: {console.counts(dict(counts))}")
    return counts
