"""A small HTTP/1.1 load generator, run as its own process: N concurrent keep-alive clients issue GETs
for a fixed time and report latency percentiles and requests per second as JSON on stdout.

    python benchmarks/loadgen.py --url http://127.0.0.1:8000/v1/... --clients 100 --seconds 10 [--header 'Authorization: Bearer ...']

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
            latencies.append(time.perf_counter() - t0)
            if not status_line.startswith(b"HTTP/1.1 200"):
                errors.append(status_line.decode().strip())
    finally:
        writer.close()


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
    elapsed = time.perf_counter() - start
    latencies.sort()
    pct = lambda p: latencies[min(len(latencies) - 1, int(p / 100 * len(latencies)))] * 1000 if latencies else float("nan")  # noqa: E731
    return {"requests": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else None,
            "rps": len(latencies) / elapsed, "p50_ms": pct(50), "p95_ms": pct(95), "p99_ms": pct(99)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", action="append", required=True)
    ap.add_argument("--clients", type=int, default=100)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--header", action="append", default=[])
    args = ap.parse_args()
    print(json.dumps(asyncio.run(run(args.url, args.clients, args.seconds, args.header))))


if __name__ == "__main__":
    main()
