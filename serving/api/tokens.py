"""Signed bearer tokens: `<payload>.<signature>`, both base64url; the payload names the app user and
an expiry, the signature is HMAC-SHA256 with HASIRU_API_SECRET. What a user may see follows from
their role in the app's data (api_principals), read at request time, so a role change or a removed
user takes effect with the next publish, not when the token expires."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import time

MIN_SECRET_CHARS = 32


class TokenError(ValueError):
    pass


def secret_from_env() -> bytes:
    value = os.environ.get("HASIRU_API_SECRET", "")
    if len(value) < MIN_SECRET_CHARS:
        raise TokenError(f"HASIRU_API_SECRET must be set to at least {MIN_SECRET_CHARS} characters "
                         "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    return value.encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(user_id: str, secret: bytes, ttl_s: int = 30 * 86400, now: float | None = None) -> str:
    payload = _b64(json.dumps({"sub": user_id, "exp": int((now or time.time()) + ttl_s)}, separators=(",", ":")).encode())
    return f"{payload}.{_b64(hmac.new(secret, payload.encode(), hashlib.sha256).digest())}"


def verify(token: str, secret: bytes, now: float | None = None) -> str:
    """The user id the token was issued to; TokenError if it is malformed, forged or expired."""
    try:
        payload, signature = token.split(".")
        expected = hmac.new(secret, payload.encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, _unb64(signature)):
            raise TokenError("token signature does not match")
        claims = json.loads(_unb64(payload))
        user, exp = str(claims["sub"]), int(claims["exp"])
    except TokenError:
        raise
    except (ValueError, KeyError, TypeError) as e:
        raise TokenError("malformed token") from e
    if exp < (now or time.time()):
        raise TokenError("token expired")
    return user
