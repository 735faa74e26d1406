"""A local HTTP server that plays an SMS gateway on loopback, speaking both wire formats the adapters
use (the Indian providers' JSON API and Twilio's Messages resource), with injectable faults:
rejected numbers (400), HTTP 500 or a stall past the client's timeout for the first N tries of a
message, and delivery receipts that only arrive after some polls. It honours idempotency keys the
way the real services do, and counts how many distinct SMS it would have handed to operators."""

from __future__ import annotations

import json
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.servers import send_json


class GatewayDouble:
    def __init__(self, reject_numbers=(), fail_first: int = 0, stall_first: int = 0, stall_s: float = 1.5,
                 polls_until_receipt: int = 1, undeliverable=()):
        self.reject_numbers, self.undeliverable = set(reject_numbers), set(undeliverable)
        self.fail_first, self.stall_first, self.stall_s = fail_first, stall_first, stall_s
        self.polls_until_receipt = polls_until_receipt
        self.tries: Counter[str] = Counter()  # per idempotency key, every POST
        self.by_key: dict[str, str] = {}  # idempotency key -> provider id (one SMS each)
        self.messages: dict[str, dict] = {}  # provider id -> what was sent
        self.polls: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def sms_sent(self) -> int:
        return len(self.by_key)

    def _submit(self, key: str, phone: str, body: dict) -> tuple[int, dict | None, str | None]:
        """(status, None, provider id) for a send; faults first."""
        with self.lock:
            self.tries[key] += 1
            n = self.tries[key]
            if key in self.by_key:  # a repeat of a send we took: the same message, no second SMS
                return 200, None, self.by_key[key]
        if n <= self.stall_first:
            time.sleep(self.stall_s)
            return 504, {"error": {"code": "TIMEOUT", "message": "upstream timeout"}}, None
        if n <= self.stall_first + self.fail_first:
            return 500, {"error": {"code": "INTERNAL", "message": "temporary failure"}}, None
        if phone.removeprefix("+") in self.reject_numbers:
            return 400, {"error": {"code": "INVALID_NUMBER", "message": f"number {phone} is not valid"}}, None
        with self.lock:
            pid = self.by_key.setdefault(key, f"SM{len(self.by_key) + 1:08d}")
            self.messages[pid] = {**body, "phone": phone}
        return 200, None, pid

    def _status(self, pid: str) -> str | None:
        if pid not in self.messages:
            return None
        with self.lock:
            self.polls[pid] += 1
            if self.polls[pid] < self.polls_until_receipt:
                return "pending"
        return "undelivered" if self.messages[pid]["phone"].removeprefix("+") in self.undeliverable else "delivered"

    def _handler(self):
        double = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _reply(self, status: int, body: dict) -> None:
                send_json(self, status, body)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/v1/sms":
                    if self.headers.get("Authorization") != "Bearer test-key":
                        return self._reply(401, {"error": {"code": "AUTH", "message": "bad api key"}})
                    body = json.loads(raw)
                    if not body.get("dlt_template_id") or not body.get("dlt_entity_id"):
                        return self._reply(400, {"error": {"code": "DLT", "message": "DLT ids required"}})
                    status, err, pid = double._submit(self.headers.get("Idempotency-Key", ""), body["to"], body)
                    return self._reply(status, err or {"status": "OK", "data": {"message_id": pid, "status": "SUBMITTED"}})
                if self.path.startswith("/2010-04-01/Accounts/") and self.path.endswith("/Messages.json"):
                    form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode()).items()}
                    status, err, pid = double._submit(self.headers.get("I-Twilio-Idempotency-Token", ""), form["To"], form)
                    if err:
                        return self._reply(status, {"code": 21211 if status == 400 else 20500, "message": err["error"]["message"]})
                    return self._reply(201, {"sid": pid, "status": "queued", "to": form["To"], "body": form["Body"]})
                self._reply(404, {"error": {"message": "no such route"}})

            def do_GET(self):
                if self.path.startswith("/v1/sms/"):
                    state = double._status(self.path.rsplit("/", 1)[1])
                    if state is None:
                        return self._reply(404, {"error": {"message": "unknown message"}})
                    return self._reply(200, {"data": {"status": {"pending": "SUBMITTED", "delivered": "DELIVERED",
                                                                 "undelivered": "UNDELIVERED"}[state]}})
                if "/Messages/" in self.path and self.path.endswith(".json"):
                    state = double._status(self.path.rsplit("/", 1)[1].removesuffix(".json"))
                    if state is None:
                        return self._reply(404, {"code": 20404, "message": "not found"})
                    return self._reply(200, {"status": {"pending": "sent", "delivered": "delivered",
                                                        "undelivered": "undelivered"}[state],
                                             "error_code": 30003 if state == "undelivered" else None})
                self._reply(404, {"error": {"message": "no such route"}})

        return Handler
