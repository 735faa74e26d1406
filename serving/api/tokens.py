"""Bearer tokens: signed JWTs (RFC 7519, HS256, PyJWT), checked strictly.

A token names the app user (`sub`), who issued it and for whom (`iss`, `aud`), when (`iat`) and until
when (`exp`); its header names the key (`kid`), so keys can be rotated: HASIRU_API_SECRET signs new
tokens and verifies old ones, HASIRU_API_PREVIOUS_SECRET (optional) verifies tokens signed before
the rotation. The server refuses lifetimes over MAX_TTL_S whatever the token says, tokens issued in
the future, any algorithm but HS256 ("none" included), and non-canonical encodings. What a user may
see follows from their role in the app's data (api_principals), read at request time, so a role
change or a removed user takes effect with the next publish, not when the token expires.
"""

from __future__ import annotations

import base64
import hashlib
import time

import jwt

from hasiru.config import env

MIN_SECRET_CHARS = 32
ISSUER = "hasiru-mitra"
AUDIENCE = "hasiru-serving-api"
ALGORITHM = "HS256"
MAX_TTL_S = 30 * 86400  # a token lives 30 days at most, whatever its exp says
LEEWAY_S = 60  # clocks of issuer and server may differ this much


class TokenError(ValueError):
    pass


def _secret(var: str, required: bool) -> bytes | None:
    value = env(var) or ""
    if not value and not required:
        return None
    if len(value) < MIN_SECRET_CHARS:
        raise TokenError(f"{var} must be set to at least {MIN_SECRET_CHARS} characters "
                         "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)")
    return value.encode()


def secret_from_env() -> bytes:
    return _secret("HASIRU_API_SECRET", True)


def keys_from_env() -> list[bytes]:
    """The signing key first, then the previous one (rotation) when set."""
    return [k for k in (secret_from_env(), _secret("HASIRU_API_PREVIOUS_SECRET", False)) if k]


def key_id(secret: bytes) -> str:
    """A public name of a key (not the key): the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(secret).hexdigest()[:12]


def issue(user_id: str, secret: bytes, ttl_s: int = MAX_TTL_S, now: float | None = None) -> str:
    now = int(now if now is not None else time.time())
    claims = {"sub": user_id, "iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + ttl_s}
    return jwt.encode(claims, secret, algorithm=ALGORITHM, headers={"kid": key_id(secret)})


def _canonical(token: str) -> bool:
    """Each part is unpadded base64url that re-encodes to itself (no stray bits, padding or characters)."""
    parts = token.split(".")
    if len(parts) != 3:
        return False
    for p in parts:
        try:
            raw = base64.urlsafe_b64decode(p + "=" * (-len(p) % 4))
        except ValueError:
            return False
        if base64.urlsafe_b64encode(raw).rstrip(b"=").decode() != p:
            return False
    return True


def verify(token: str, secret: bytes | list[bytes], now: float | None = None) -> str:
    """The user id the token was issued to; TokenError if it is malformed, forged, expired or too long-lived."""
    keys = {key_id(k): k for k in ([secret] if isinstance(secret, bytes) else secret)}
    if not _canonical(token):
        raise TokenError("malformed token")
    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError:
        raise TokenError("malformed token") from None
    if kid not in keys:
        raise TokenError("token signed with an unknown key")
    now = time.time() if now is None else now
    try:
        claims = jwt.decode(token, keys[kid], algorithms=[ALGORITHM], audience=AUDIENCE, issuer=ISSUER, leeway=LEEWAY_S,
                            options={"require": ["sub", "iss", "aud", "iat", "exp"], "verify_exp": False, "verify_iat": False})
    except jwt.InvalidSignatureError:
        raise TokenError("token signature does not match") from None
    except jwt.PyJWTError as e:
        raise TokenError(f"invalid token: {e}") from None
    exp, iat = claims["exp"], claims["iat"]
    if not isinstance(exp, int) or not isinstance(iat, int) or not isinstance(claims["sub"], str):
        raise TokenError("invalid token: sub must be text, iat and exp whole seconds")
    if exp < now - LEEWAY_S:
        raise TokenError("token expired")
    if iat > now + LEEWAY_S:
        raise TokenError("token issued in the future")
    if exp - iat > MAX_TTL_S or now - iat > MAX_TTL_S + LEEWAY_S:
        raise TokenError(f"token lives longer than the server allows ({MAX_TTL_S // 86400} days)")
    return claims["sub"]
