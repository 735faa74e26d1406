"""Sign-in for the FPO app: passwords hashed with scrypt (salted, never stored in plain text) in a JSON
file beside the serving databases (`<serving>/fpo_app_users.json`, set with `hasiru fpo-app-user`).
Who a user is (FPO admin of which FPO, or platform admin) comes from the app's data (api_principals)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from pathlib import Path

from hasiru.config import settings

N, R, P = 2**14, 8, 1  # scrypt cost: ~50 ms a check
ROLES = ("fpo_admin", "platform_admin")


def users_file() -> Path:
    return settings().serving_dir / "fpo_app_users.json"


def _hash(password: str, salt: bytes) -> bytes:
    return hashlib.scrypt(password.encode(), salt=salt, n=N, r=R, p=P, dklen=32)


def _save(users: dict, path: Path) -> None:
    """Replace the users file atomically, owner-only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(users, indent=1))
    os.chmod(tmp, 0o600)
    tmp.replace(path)


def set_password(user_id: str, password: str, path: Path | None = None) -> None:
    if len(password) < 10:
        raise ValueError("a password needs at least 10 characters")
    path = path or users_file()
    users = json.loads(path.read_text()) if path.exists() else {}
    salt = secrets.token_bytes(16)
    users[user_id] = {"scrypt": f"{N}:{R}:{P}", "salt": base64.b64encode(salt).decode(),
                      "hash": base64.b64encode(_hash(password, salt)).decode()}
    _save(users, path)


def credential_id(user_id: str, path: Path | None = None) -> str | None:
    """Names the user's current password (its salt): None once the user is removed from the file."""
    path = path or users_file()
    users = json.loads(path.read_text()) if path.exists() else {}
    entry = users.get(user_id)
    return None if entry is None else hashlib.sha256(entry["salt"].encode()).hexdigest()[:16]


def still_allowed(user: dict, principals: dict, path: Path | None = None) -> bool:
    """A session lasts only while its user keeps the role and FPO it signed in with (the published
    principals) and the password it signed in with: a removed user, a changed role or FPO, or a reset
    password ends it at the next click."""
    who = principals.get(user["user_id"])
    return (who is not None and who[0] == user["role"] and who[2] == user["fpo_id"]
            and credential_id(user["user_id"], path) == user.get("credential"))


def remove(user_id: str, path: Path | None = None) -> bool:
    """Take a user's FPO app access away (their open sessions end at their next click)."""
    path = path or users_file()
    users = json.loads(path.read_text()) if path.exists() else {}
    if users.pop(user_id, None) is None:
        return False
    _save(users, path)
    return True


def verify(user_id: str, password: str, path: Path | None = None) -> bool:
    path = path or users_file()
    users = json.loads(path.read_text()) if path.exists() else {}
    entry = users.get(user_id)
    if entry is None:
        _hash(password, b"0" * 16)  # same time for unknown users
        return False
    return hmac.compare_digest(_hash(password, base64.b64decode(entry["salt"])), base64.b64decode(entry["hash"]))
