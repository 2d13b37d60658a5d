"""The concurrency benchmark's writers: W people saving at once, each in a thread with a session
of its own, in a process of its own (so that an import running in the benchmark's process does
not take their interpreter's time).

    python -m dangjian.scale.writeclient --plan PLAN.json [--max-seconds N]

The plan (written by `bench.concurrency`) names the server's port and, per writer, its session
cookie and what it does:

- "tap": a branch secretary ticking attendance at a meeting, one tap per person through the
  htmx POST the meeting page sends (CSRF header, `HX-Request`), each tap turning a row present
  or absent (whichever it is not), round the meeting's rows;
- "edit": an HR manager correcting an employee's post through the edit form (the form read
  once, then sent back with the post changed: each save a real change).

Each writer first reads its page (the form, the CSRF token, the rows), warms up with two writes
(a change and its undo, counted for the audit check but not timed) and the process prints
`{"ready": true}`; writing starts when "go" arrives on stdin and stops at "stop" (or after
--max-seconds). No think time: each writer saves again as soon as it has its answer, so the
figures are the most the site takes. After a refusal a writer pauses 0.1 s. When told to stop,
each writer puts back what it changed (the rows' states, the post), writes that are counted in
`saved` but not timed, and the process prints one JSON line: every timed write (its start
relative to "go", its time, its outcome), the successful writes per object (for the audit
check) and what could not be put back.

Outcomes: "ok"; "busy" (503, the database refused the write and said to try again); "5xx";
"other" (any other answer, a tap answered without the row marked, a network error). Plain
Python and the standard library, like `loadclient`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from dangjian.scale import pages

HOST = "127.0.0.1"
PAUSE_AFTER_REFUSAL = 0.1
POSTS = ("操作工", "质检员")


@dataclass
class Answer:
    status: int
    body: str
    headers: dict[str, str]


class Session:
    """One person's browser: its cookies, on plain HTTP behind a pretend TLS proxy."""

    def __init__(self, port: int, cookie: str) -> None:
        self.port = port
        self.origin = f"https://{HOST}:{port}"
        self.cookies: dict[str, str] = {}
        self._take(cookie)

    def _take(self, header: str) -> None:
        jar: SimpleCookie = SimpleCookie()
        jar.load(header)
        self.cookies.update({k: m.value for k, m in jar.items()})

    def request(
        self, method: str, path: str, data: list[tuple[str, str]] | dict[str, str] | None = None, **extra: str
    ) -> Answer:
        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Language": "zh-hans",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            **extra,
        }
        body = None
        if data is not None:
            body = urlencode(data)
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + headers.pop("Referer-Path", path),
            }
        conn = http.client.HTTPConnection(HOST, self.port, timeout=600)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                self._take(value)
            return Answer(response.status, text, dict(response.headers.items()))
        finally:
            conn.close()


@dataclass
class Writer:
    kind: str  # "tap" or "edit"
    session: Session
    page: str  # the meeting's page, or the person's edit form
    writes: list[tuple[float, float, str]] = field(default_factory=list)  # start, seconds, outcome
    saved: dict[str, int] = field(default_factory=dict)  # "object_type:pk" → successful writes
    not_restored: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the first few "other" answers, for the log

    def prepare(self) -> None:
        page = self.session.request("GET", self.page)
        if page.status != 200:
            raise RuntimeError(f"GET {self.page} answered {page.status}")
        if self.kind == "tap":
            self.token = pages.csrf_token(page.body) or ""
            self.rows = pages.attendance_rows(page.body)
            self.initial = dict(self.rows)
            if not self.rows or not self.token:
                raise RuntimeError(f"{self.page} shows no attendance rows to tap")
            self.order = sorted(self.rows)
        else:
            form = pages.form_with(page.body, "post")
            if form is None:
                raise RuntimeError(f"{self.page} has no edit form")
            self.form = form
            self.post = self.initial_post = form.value("post") or ""
        # Two writes untimed, a change and its undo, so that no timed write pays for a server
        # worker's first request of its kind (templates, imports).
        for _ in range(2):
            if self.write(0) != "ok":
                raise RuntimeError(f"the warm-up write at {self.page} failed: {self.problems}")

    def run(self, go: float, stop: threading.Event) -> None:
        i = 0
        while not stop.is_set():
            t0 = time.perf_counter()
            outcome = self.write(i)
            self.writes.append((t0 - go, time.perf_counter() - t0, outcome))
            if outcome != "ok":
                time.sleep(PAUSE_AFTER_REFUSAL)
            i += 1

    def write(self, i: int) -> str:
        try:
            if self.kind == "tap":
                pk = self.order[i % len(self.order)]
                return self.tap(pk, "absent" if self.rows[pk] == "present" else "present")
            return self.edit(next(p for p in (*POSTS, self.initial_post + "（基准）") if p != self.post))
        except (OSError, http.client.HTTPException) as exc:
            return self.other(f"{type(exc).__name__}: {exc}")

    def tap(self, pk: int, state: str) -> str:
        answer = self.session.request(
            "POST",
            f"{self.page}attendance/{pk}/",
            {"csrfmiddlewaretoken": self.token, "reason": "", "state": state},
            **{
                "Referer-Path": self.page,
                "HX-Request": "true",
                "HX-Target": f"a{pk}",
                "HX-Current-URL": self.session.origin + self.page,
                "X-CSRFToken": self.token,
            },
        )
        marked = f'data-attendance="{pk}"' in answer.body and f'data-state="{state}"' in answer.body
        if answer.status == 200 and marked and "invalid-feedback" not in answer.body:
            self.rows[pk] = state
            self._saved(f"branchlife.Attendance:{pk}")
            return "ok"
        return self.judged(answer)

    def edit(self, post: str) -> str:
        answer = self.session.request("POST", self.page, self.form.data(post=post))
        if answer.status == 302:
            self.post = post
            self._saved(f"people.Person:{self.page.strip('/').split('/')[1]}")
            return "ok"
        return self.judged(answer)

    def _saved(self, key: str) -> None:
        self.saved[key] = self.saved.get(key, 0) + 1

    def judged(self, answer: Answer) -> str:
        if answer.status == 503:
            return "busy"
        if answer.status >= 500:
            return self.other(f"{answer.status}", "5xx")
        return self.other(f"{answer.status}: {answer.body[:300]}")

    def other(self, problem: str, kind: str = "other") -> str:
        if len(self.problems) < 5:
            self.problems.append(problem)
        return kind

    def restore(self, deadline: float) -> None:
        """Put back what this writer changed, trying again while the database is busy."""
        if self.kind == "tap":
            todo = [(pk, state) for pk, state in self.initial.items() if self.rows[pk] != state]
            for pk, state in todo:
                while self.tap(pk, state) != "ok" and time.monotonic() < deadline:
                    time.sleep(PAUSE_AFTER_REFUSAL)
                if self.rows[pk] != state:
                    self.not_restored.append(f"{self.page}attendance/{pk}/")
        elif self.post != self.initial_post:
            while self.edit(self.initial_post) != "ok" and time.monotonic() < deadline:
                time.sleep(PAUSE_AFTER_REFUSAL)
            if self.post != self.initial_post:
                self.not_restored.append(self.page)

    def result(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "page": self.page,
            "writes": self.writes,
            "saved": self.saved,
            "not_restored": self.not_restored,
            "problems": self.problems,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--plan", type=Path, required=True)
    parser.add_argument("--max-seconds", type=float, default=3600)
    args = parser.parse_args(argv)
    plan = json.loads(args.plan.read_text())
    writers = [Writer(w["kind"], Session(plan["port"], w["cookie"]), w["page"]) for w in plan["writers"]]
    for w in writers:
        w.prepare()
    print(json.dumps({"ready": True}), flush=True)
    if sys.stdin.readline().strip() != "go":
        return 1
    stop = threading.Event()
    go = time.perf_counter()
    threads = [threading.Thread(target=w.run, args=(go, stop)) for w in writers]
    for t in threads:
        t.start()

    def wait_for_stop() -> None:
        sys.stdin.readline()
        stop.set()

    threading.Thread(target=wait_for_stop, daemon=True).start()
    stop.wait(args.max_seconds)
    stop.set()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - go
    deadline = time.monotonic() + 120
    for w in writers:
        w.restore(deadline)
    print(json.dumps({"seconds": seconds, "writers": [w.result() for w in writers]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
