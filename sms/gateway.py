"""SMS gateway adapters: one interface, two wire formats.

- `HttpGateway`: the JSON API common to Indian bulk-SMS providers. POST {base}/v1/sms with a bearer key,
  the DLT entity (PE) id and template id, `unicode` for UCS-2 and an `Idempotency-Key` header;
  receipts by GET {base}/v1/sms/{id} (status SUBMITTED, DELIVERED, UNDELIVERED, FAILED).
- `TwilioGateway`: Twilio's Messages resource. POST form-encoded To/From/Body to
  /2010-04-01/Accounts/{sid}/Messages.json with basic auth; receipts by GET .../Messages/{sid}.json
  (queued, sending, sent, delivered, undelivered, failed). The idempotency key travels as
  `I-Twilio-Idempotency-Token`.

`send` returns a SendResult: accepted (with the provider's id), rejected (a 4xx: permanent, the reason
from the body) or transient (timeout, connection error, 429 or 5xx: try again later).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import httpx

TIMEOUT_S = 5.0


@dataclass(frozen=True)
class OutgoingSms:
    message_id: str  # our id, sent as the idempotency key
    phone: str  # E.164
    text: str
    template_id: str
    unicode: bool


@dataclass(frozen=True)
class SendResult:
    outcome: str  # accepted | rejected | transient
    provider_message_id: str | None = None
    reason: str | None = None


@dataclass(frozen=True)
class Receipt:
    status: str  # pending | delivered | undelivered
    reason: str | None = None


class GatewayConfigError(RuntimeError):
    pass


def _error_reason(resp: httpx.Response) -> str:
    try:
        body = resp.json()
    except ValueError:
        return f"HTTP {resp.status_code}: {resp.text[:200]}"
    if isinstance(body, dict):
        err = body.get("error", body)
        msg = err.get("message") if isinstance(err, dict) else err
        code = err.get("code") if isinstance(err, dict) else None
        return f"HTTP {resp.status_code}: {msg}" + (f" (code {code})" if code else "")
    return f"HTTP {resp.status_code}"


def _classify(resp: httpx.Response) -> SendResult | None:
    """None when the response is a success the caller reads; otherwise the failure's outcome."""
    if resp.status_code == 429 or resp.status_code >= 500:
        return SendResult("transient", reason=_error_reason(resp))
    if resp.status_code >= 400:
        return SendResult("rejected", reason=_error_reason(resp))
    return None


class Gateway:
    name = "gateway"

    def __init__(self, client: httpx.Client):
        self.client = client

    def send(self, sms: OutgoingSms) -> SendResult:
        try:
            resp = self._post(sms)
        except httpx.TimeoutException:
            return SendResult("transient", reason="timeout")
        except httpx.TransportError as e:
            return SendResult("transient", reason=f"connection: {e}")
        failure = _classify(resp)
        if failure:
            return failure
        try:
            provider_id = self._provider_id(resp.json())
        except (ValueError, KeyError, TypeError):
            return SendResult("transient", reason=f"unreadable success response: {resp.text[:200]}")
        return SendResult("accepted", provider_message_id=provider_id)

    def receipt(self, provider_message_id: str) -> Receipt | None:
        """The delivery status, or None if the gateway could not be asked (try again later)."""
        try:
            resp = self._get_status(provider_message_id)
        except httpx.TransportError:
            return None
        if resp.status_code != 200:
            return None
        try:
            return self._receipt(resp.json())
        except (ValueError, KeyError, TypeError):
            return None

    def close(self) -> None:
        self.client.close()


class HttpGateway(Gateway):
    name = "http"
    DELIVERED, FAILED = {"DELIVERED", "DELIVRD"}, {"UNDELIVERED", "UNDELIV", "FAILED", "EXPIRED", "REJECTED"}

    def __init__(self, base_url: str, api_key: str, sender_id: str, entity_id: str, timeout_s: float = TIMEOUT_S):
        super().__init__(httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s,
                                      headers={"Authorization": f"Bearer {api_key}"}))
        self.sender_id, self.entity_id = sender_id, entity_id

    def _post(self, sms: OutgoingSms) -> httpx.Response:
        return self.client.post("/v1/sms", headers={"Idempotency-Key": sms.message_id}, json={
            "to": sms.phone.removeprefix("+"), "sender": self.sender_id, "message": sms.text,
            "dlt_entity_id": self.entity_id, "dlt_template_id": sms.template_id, "unicode": sms.unicode,
            "reference": sms.message_id})

    def _provider_id(self, body: dict) -> str:
        return str(body["data"]["message_id"])

    def _get_status(self, provider_message_id: str) -> httpx.Response:
        return self.client.get(f"/v1/sms/{provider_message_id}")

    def _receipt(self, body: dict) -> Receipt:
        status = str(body["data"]["status"]).upper()
        if status in self.DELIVERED:
            return Receipt("delivered")
        if status in self.FAILED:
            return Receipt("undelivered", body["data"].get("reason") or status)
        return Receipt("pending")


class TwilioGateway(Gateway):
    name = "twilio"

    def __init__(self, base_url: str, account_sid: str, auth_token: str, sender: str, timeout_s: float = TIMEOUT_S):
        super().__init__(httpx.Client(base_url=base_url.rstrip("/"), timeout=timeout_s, auth=(account_sid, auth_token)))
        self.account_sid, self.sender = account_sid, sender

    def _post(self, sms: OutgoingSms) -> httpx.Response:
        return self.client.post(f"/2010-04-01/Accounts/{self.account_sid}/Messages.json",
                                headers={"I-Twilio-Idempotency-Token": sms.message_id},
                                data={"To": sms.phone, "From": self.sender, "Body": sms.text})

    def _provider_id(self, body: dict) -> str:
        return str(body["sid"])

    def _get_status(self, provider_message_id: str) -> httpx.Response:
        return self.client.get(f"/2010-04-01/Accounts/{self.account_sid}/Messages/{provider_message_id}.json")

    def _receipt(self, body: dict) -> Receipt:
        status = body["status"]
        if status == "delivered":
            return Receipt("delivered")
        if status in ("undelivered", "failed"):
            return Receipt("undelivered", f"{status} (error {body.get('error_code')})")
        return Receipt("pending")


def from_env(env: dict[str, str] | None = None) -> Gateway:
    """HASIRU_SMS_GATEWAY=http|twilio and its settings (README, "SMS")."""
    env = dict(os.environ if env is None else env)
    kind = env.get("HASIRU_SMS_GATEWAY")
    need = {"http": ["HASIRU_SMS_GATEWAY_URL", "HASIRU_SMS_API_KEY", "HASIRU_SMS_SENDER_ID", "HASIRU_DLT_ENTITY_ID"],
            "twilio": ["TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM"]}
    if kind not in need:
        raise GatewayConfigError(f"HASIRU_SMS_GATEWAY must be one of {sorted(need)} (got {kind!r}); see README, section SMS")
    missing = [k for k in need[kind] if not env.get(k)]
    if missing:
        raise GatewayConfigError(f"SMS gateway {kind!r} needs {', '.join(missing)}")
    if kind == "http":
        return HttpGateway(env["HASIRU_SMS_GATEWAY_URL"], env["HASIRU_SMS_API_KEY"], env["HASIRU_SMS_SENDER_ID"],
                           env["HASIRU_DLT_ENTITY_ID"])
    return TwilioGateway(env.get("TWILIO_API_URL", "https://api.twilio.com"), env["TWILIO_ACCOUNT_SID"],
                         env["TWILIO_AUTH_TOKEN"], env["TWILIO_FROM"])
