"""Secrets the platform makes for itself, kept outside the repository.

The pseudonym salt keys every analyst-facing id (farmer_key, farm_key, order_key): with it an id can
be recomputed from an app id, without it not (the app ids are enumerable, so a known or short salt is
no salt). It comes from HASIRU_PSEUDONYM_SALT or, when that is unset, from a file made at first
set-up with 256 random bits, readable by its owner only:
`$HASIRU_SECRETS_DIR/pseudonym_salt` (default `~/.config/hasiru/`). There is no default value.

    .venv/bin/python -m hasiru.secrets     # make the salt now (set-up does this), print where it is
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from hasiru.config import ConfigError, env

MIN_SALT_CHARS = 32
KNOWN_SALTS = {"demo-only-salt", "changeme", "salt", "secret"}  # published values: reversible by anyone


def secrets_dir() -> Path:
    default = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / "hasiru"
    return Path(env("HASIRU_SECRETS_DIR") or default).expanduser()


def _check(salt: str, where: str) -> str:
    if salt in KNOWN_SALTS or len(salt) < MIN_SALT_CHARS:
        raise ConfigError(f"{where}: the pseudonym salt must be a secret of at least {MIN_SALT_CHARS} characters (this one "
                          "is short or published, so analysts could reverse every farmer key); unset it to use the "
                          "generated one, or set `python -c 'import secrets; print(secrets.token_hex(32))'`")
    return salt


def pseudonym_salt() -> str:
    if env("HASIRU_PSEUDONYM_SALT"):
        return _check(env("HASIRU_PSEUDONYM_SALT"), "HASIRU_PSEUDONYM_SALT")
    path = secrets_dir() / "pseudonym_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # never world-readable, not even briefly
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
    if path.stat().st_mode & 0o077:
        raise ConfigError(f"{path}: readable by others (mode {oct(path.stat().st_mode & 0o777)}); `chmod 600 {path}`")
    return _check(path.read_text().strip(), str(path))


if __name__ == "__main__":
    pseudonym_salt()
    print(f"pseudonym salt: {env('HASIRU_PSEUDONYM_SALT') and 'HASIRU_PSEUDONYM_SALT' or secrets_dir() / 'pseudonym_salt'}")
