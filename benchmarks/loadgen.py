"""A small HTTP/1.1 load generator, run as its own process; reports latency percentiles and requests per
second as JSON on stdout. Two modes:

- closed loop (default): N concurrent keep-alive clients, each sending its next GET when the last answer
  came back, for a fixed time;
    python benchmarks/loadgen.py --url http://127.0.0.1:8000/v1/... --clients 100 --seconds 10 [--header 'Authorization: Bearer ...']
- open loop (`--rate R`): requests arrive at R a second on a fixed schedule, whatever the server does
  (as farmers' apps do), over a pool of up to `--clients` keep-alive connections; each latency is measured
  from the request's scheduled time, so time spent queued behind a slow answer counts (no coordinated
  omission). A server that cannot keep up shows it as growing latency and an achieved rate below R.
    python benchmarks/loadgen.py --url ... --rate 500 --clients 256 --seconds 10

Several paths may be given (repeat --url); each client cycles through them. Asyncio streams, no HTTP
library: the generator's own cost per request stays in the tens of microseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
import urllib.parse


async def client(host: str, port: int, paths: list[str], headers: str, stop_at: float, latencies: list[float],
                 errors: list[str], offset: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    i = offset
    try:
        while time.perf_counter() < stop_at:
            path = paths[i % len(paths)]
            i += 1
            t0 = time.perf_counter()
            status_line = await _request(reader, writer, host, path, headers)
            latencies.append(time.perf_counter() - t0)
            if not status_line.startswith(b"HTTP/1.1 200"):
                errors.append(status_line.decode().strip())
    finally:
        writer.close()


async def _request(reader, writer, host: str, path: str, headers: str) -> bytes:
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n{headers}\r\n".encode())
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return status_line


async def run_open(urls: list[str], rate: float, connections: int, seconds: float, headers: list[str]) -> dict:
    parsed = urllib.parse.urlsplit(urls[0])
    host, port = parsed.hostname, parsed.port
    paths = [urllib.parse.urlsplit(u)._replace(scheme="", netloc="").geturl() for u in urls]
    header_text = "".join(h + "\r\n" for h in headers)
    idle: asyncio.Queue = asyncio.Queue()
    opened = 0
    latencies: list[float] = []
    errors: list[str] = []
    pending: set[asyncio.Task] = set()

    async def one(path: str, scheduled: float, record: bool) -> None:
        nonlocal opened
        if idle.empty() and opened < connections:
            opened += 1
            conn = await asyncio.open_connection(host, port)
        else:
            conn = await idle.get()  # every connection busy: the request waits, and its wait counts
        try:
            status = await _request(*conn, host, path, header_text)
        except (ConnectionError, asyncio.IncompleteReadError) as e:
            errors.append(type(e).__name__)
            opened -= 1
            return
        idle.put_nowait(conn)
        if record:
            latencies.append(time.perf_counter() - scheduled)
            if not status.startswith(b"HTTP/1.1 200"):
                errors.append(status.decode().strip())

    warm = 1.0  # the first second warms connections and is not recorded
    start = time.perf_counter()
    n_total = int(rate * (seconds + warm))
    for k in range(n_total):
        scheduled = start + k / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(one(paths[k % len(paths)], scheduled, record=scheduled >= start + warm))
        pending.add(task)
        task.add_done_callback(pending.discard)
    await asyncio.gather(*pending)
    elapsed = time.perf_counter() - (start + warm)
    while not idle.empty():
        idle.get_nowait()[1].close()
    return {**summary(latencies, errors, elapsed), "offered_rps": rate, "connections": opened}


def summary(latencies: list[float], errors: list[str], elapsed: float) -> dict:
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")  # noqa: E731
    return {"requests": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else None,
            "rps": len(latencies) / elapsed, "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99)}


async def run(urls: list[str], clients: int, seconds: float, headers: list[str]) -> dict:
    parsed = urllib.parse.urlsplit(urls[0])
    paths = [urllib.parse.urlsplit(u)._replace(scheme="", netloc="").geturl() for u in urls]
    header_text = "".join(h + "\r\n" for h in headers)
    latencies: list[float] = []
    errors: list[str] = []
    warm_until = time.perf_counter() + 1.0  # connect and warm up for a second, then measure
    await asyncio.gather(*(client(parsed.hostname, parsed.port, paths, header_text, warm_until, [], [], k) for k in range(clients)))
    start = time.perf_counter()
    await asyncio.gather(*(client(parsed.hostname, parsed.port, paths, header_text, start + seconds, latencies, errors, k)
                           for k in range(clients)))
    return summary(latencies, errors, time.perf_counter() - start)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", action="append", required=True)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--header", action="append", default=[])
    ap.add_argument("--rate", type=float, help="open loop: requests a second on a fixed schedule (--clients caps the connections)")
    args = ap.parse_args()
    if args.rate:
        print(json.dumps(asyncio.run(run_open(args.url, args.rate, args.clients, args.seconds, args.header))))
    else:
        print(json.dumps(asyncio.run(run(args.url, args.clients, args.seconds, args.header))))


if __name__ == "__main__":
    main()
