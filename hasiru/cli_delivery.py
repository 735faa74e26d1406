"""`hasiru sms ...`, `hasiru serve` and `hasiru api-token`: delivery to farmers and services."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
from pathlib import Path

import click

from hasiru import console


from hasiru.cli_common import date_option as _date


@click.group()
def sms() -> None:
    """SMS digests and alerts: queue them in the outbox, send through the gateway, apply receipts."""


@sms.command()
@click.option("--date", "day", callback=_date, help="Digest day (YYYY-MM-DD); default: today (IST).")
@click.option("--digest/--auto", "force_digest", default=None,
              help="Queue digests even if the day is not a Tuesday or Friday (--digest); default: only on those days.")
def queue(day: dt.date | None, force_digest: bool | None) -> None:
    """Render the day's severe-weather alerts (and digests on digest days) into ops.sms_outbox."""
    from hasiru.config import IST
    from sms.digest import TooLate, queue as do_queue

    day = day or dt.datetime.now(IST).date()
    try:
        stats = do_queue(day, digests=force_digest, progress=console.progress)
    except TooLate as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"sms {day}: {stats['inserted']:,} new messages in the outbox; {stats['digests']:,} digests, "
               f"{stats['alerts']:,} alerts, {stats['suppressed']:,} suppressed (opt-out, DND, invalid number), "
               f"{stats['nothing_to_say']:,} farmers with nothing to say, {stats['too_late']:,} too late to send")


@contextlib.contextmanager
def _gateway():
    from sms.gateway import GatewayConfigError, from_env

    try:
        gateway = from_env()
    except GatewayConfigError as e:
        raise click.ClickException(str(e)) from None
    try:
        yield gateway
    finally:
        gateway.close()


@sms.command()
@click.option("--limit", type=click.IntRange(1), help="Send at most this many messages.")
def send(limit: int | None) -> None:
    """Send what is due through the gateway configured by HASIRU_SMS_GATEWAY (README, "SMS")."""
    from sms.sender import send_due

    with _gateway() as gateway:
        click.echo(f"sms sent: {console.counts(send_due(gateway, limit=limit, progress=console.progress))}")


@sms.command()
def receipts() -> None:
    """Ask the gateway for the delivery status of every sent message."""
    from sms.sender import poll_receipts

    with _gateway() as gateway:
        click.echo(f"sms receipts: {console.counts(poll_receipts(gateway, progress=console.progress))}")


@sms.command()
@click.option("--csv", "out", type=click.Path(dir_okay=False, path_type=Path), help="Write them to a CSV for the DLT portal.")
def templates(out: Path | None) -> None:
    """Check the template files and list every template to register (id, language, text)."""
    from sms import templates as t

    problems = t.check()
    if problems:
        raise click.ClickException("SMS templates are incomplete:\n  " + "\n  ".join(problems))
    reg = t.registered()
    if out:
        with out.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=["template_id", "language", "text"])
            w.writeheader()
            w.writerows(reg)
        click.echo(f"{len(reg)} templates written to {out}")
    else:
        for r in reg:
            click.echo(f"{r['template_id']}\t{r['text']}")


@sms.command("dnd-import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--source", default="ncpr", show_default=True, help="Where the list came from.")
def dnd_import(path: Path, source: str) -> None:
    """Add numbers (one per line, 10 digits or E.164) to the do-not-disturb list."""
    import pyarrow as pa

    from lake import delta_io
    from lake.tables import SMS_DND

    now = dt.datetime.now(dt.timezone.utc)
    phones, bad = set(), []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        digits = "".join(c for c in line if c.isdigit())
        if len(digits) == 10:
            phones.add("+91" + digits)
        elif len(digits) == 12 and digits.startswith("91"):
            phones.add("+" + digits)
        elif line.strip():
            bad.append(n)
    if bad:
        click.echo(f"skipped {len(bad)} lines that are not Indian mobile numbers: lines {bad[:10]}", err=True)
    delta_io.merge(SMS_DND, pa.Table.from_pylist([{"phone": p, "source": source, "added_at": now} for p in sorted(phones)],
                                                 schema=SMS_DND.schema))
    click.echo(f"{len(phones):,} numbers on the do-not-disturb list from {path}")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.option("--workers", default=min(4, os.cpu_count() or 1), show_default=True, type=click.IntRange(1),
              help="Server processes (one per core: 1,505 vs 860 req/s on 2 cores, benchmarks/bench_delivery.py).")
def serve(host: str, port: int, workers: int) -> None:
    """Start the serving API on the published hasiru_api.duckdb (docs at /docs). Needs HASIRU_API_SECRET."""
    from serving.api.tokens import TokenError, secret_from_env

    try:
        secret_from_env()
    except TokenError as e:
        raise click.ClickException(str(e)) from None
    import sys

    os.execv(sys.executable, [sys.executable, "-m", "uvicorn", "serving.api.app:app_from_env", "--factory", "--host", host,
                              "--port", str(port), "--workers", str(workers), "--no-access-log"])


def _principal(user_id: str) -> tuple[str, str | None, str | None]:
    """(role, farmer_id, fpo_id) of an app user in the published API file, or a one-line error naming the problem."""
    import duckdb

    from serving.publish import api_path

    path = api_path()
    if not path.exists():
        raise click.ClickException(f"no API database published yet at {path}: run `hasiru publish` (or `hasiru run`) first")
    with duckdb.connect(str(path), read_only=True) as con:
        found = con.execute("select role, farmer_id, fpo_id from api_principals where user_id = ?", [user_id]).fetchall()
        if not found:
            examples = [r[0] for r in con.sql("select user_id from api_principals order by user_id limit 3").fetchall()]
            raise click.ClickException(f"no app user {user_id!r} in the published API database (users are the app's "
                                       f"user ids, e.g. {', '.join(examples) or 'none published'})")
    return found[0]


@click.command("api-token")
@click.option("--user-id", required=True, help="The app user the token is for (their role decides what they see).")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 30),
              help="Validity (the server refuses tokens that live longer than 30 days).")
def api_token(user_id: str, days: int) -> None:
    """Print a signed bearer token for the serving API (HASIRU_API_SECRET must be set)."""
    from serving.api.tokens import TokenError, issue, secret_from_env

    try:
        secret = secret_from_env()
        _principal(user_id)  # a token for nobody would only ever be refused
        click.echo(issue(user_id, secret, ttl_s=days * 86400))
    except TokenError as e:
        raise click.ClickException(str(e)) from None


@click.command("fpo-app")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8501, show_default=True)
def fpo_app(host: str, port: int) -> None:
    """Start the FPO managers' Streamlit app on the published hasiru_api.duckdb (users: hasiru fpo-app-user)."""
    import sys

    from hasiru.config import REPO_ROOT

    os.execv(sys.executable, [sys.executable, "-m", "streamlit", "run", str(REPO_ROOT / "dashboards" / "fpo_app" / "server.py"),
                              "--server.headless", "true", "--server.address", host, "--server.port", str(port),
                              "--browser.gatherUsageStats", "false", "--global.developmentMode", "false"])


@click.command("fpo-app-user")
@click.option("--user-id", required=True, help="An app user who is an FPO admin or a platform admin.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input instead of prompting.")
@click.option("--remove", is_flag=True, help="Take the user's access away; their open sessions end at their next click.")
def fpo_app_user(user_id: str, password_stdin: bool, remove: bool) -> None:
    """Set the FPO app password of a user (stored as a salted scrypt hash, never in plain text)."""
    import sys

    from dashboards.fpo_app import auth

    if remove:
        if not auth.remove(user_id):
            raise click.ClickException(f"{user_id} has no FPO app access")
        click.echo(f"{user_id}: FPO app access removed")
        return

    role, _, fpo_id = _principal(user_id)
    if role not in auth.ROLES or (role == "fpo_admin" and not fpo_id):
        raise click.ClickException(f"{user_id} is a {role}{' of no FPO' if role == 'fpo_admin' else ''}: the FPO app is for "
                                   "FPO admins and platform admins")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else click.prompt("Password", hide_input=True,
                                                                                     confirmation_prompt=True)
    try:
        auth.set_password(user_id, password)
    except ValueError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"password set for {user_id} in {auth.users_file()}")


@click.command("superset")
@click.option("--port", default=8088, show_default=True)
@click.option("--workers", default=2, show_default=True, type=click.IntRange(1))
def superset(port: int, workers: int) -> None:
    """Start Superset for analysts: first-start set-up, the dashboards imported from dashboards/superset/bundle."""
    import signal

    from dashboards.superset import provision as sp

    signal.signal(signal.SIGTERM, _interrupt)  # a SIGTERM during set-up stops the server too (below)

    try:
        sp.first_start(progress=console.progress)
        proc = sp.start(port, workers)
        url = f"http://127.0.0.1:{port}"
        try:
            sp.wait_healthy(url, proc)
            sp.provision(url, progress=console.progress)
        except BaseException:
            os.killpg(proc.pid, signal.SIGTERM)
            raise
    except sp.SupersetError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"Superset at {url}/superset/dashboard/list/ : admin (password in {sp.home() / 'admin_password'}), "
               f"analyst (password in {sp.home() / 'analyst_password'}). Ctrl-C stops it.")
    serve_until_stopped(proc)


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def serve_until_stopped(proc) -> int:
    """Wait for a server started in its own process group; Ctrl-C or SIGTERM (a service manager, `kill`)
    stops the whole group before this process exits, so no server is left running behind it."""
    import signal

    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        try:
            return proc.wait(timeout=30)
        except Exception:
            os.killpg(proc.pid, signal.SIGKILL)
            return proc.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)
