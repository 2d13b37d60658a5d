"""The benchmark's HTTP client, run as a process of its own so that it does not share a core's
time slices or a Python interpreter with the server it measures.

    python -m dangjian.scale.loadclient --url http://127.0.0.1:PORT/path --header 'Cookie: …'
        --seconds 5 --min-requests 20 --max-requests 2000 --warmup 3

It sends one request at a time on loopback and prints JSON: each request's wall time in seconds,
and the statuses seen. A response that is not 200/204 stops the run (its start is printed) so a
benchmark never times error pages.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import time
from urllib.parse import urlsplit


def fetch(host: str, port: int, target: str, headers: dict[str, str]) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection(host, port, timeout=120)
    try:
        conn.request("GET", target, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--min-requests", type=int, default=20)
    parser.add_argument("--max-requests", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=3)
    args = parser.parse_args(argv)

    url = urlsplit(args.url)
    if url.hostname not in {"127.0.0.1", "localhost", "::1"}:
        parser.error("the benchmark drives load on loopback only")
    target = url.path + (f"?{url.query}" if url.query else "")
    headers = dict(h.split(": ", 1) for h in args.header)
    for _ in range(args.warmup):
        status, body = fetch(url.hostname, url.port, target, headers)
        if status not in (200, 204):
            print(json.dumps({"error": status, "body": body[:500].decode("utf-8", "replace")}))
            return 1
    times: list[float] = []
    sizes: list[int] = []
    deadline = time.perf_counter() + args.seconds
    while len(times) < args.max_requests and (len(times) < args.min_requests or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        status, body = fetch(url.hostname, url.port, target, headers)
        times.append(time.perf_counter() - t0)
        sizes.append(len(body))
        if status not in (200, 204):
            print(json.dumps({"error": status, "body": body[:500].decode("utf-8", "replace")}))
            return 1
    print(json.dumps({"times": times, "bytes": max(sizes)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
