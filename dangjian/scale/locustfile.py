"""The load scenario (locust): the people of a county using Dangjian at once.

Run by `manage.py load` (make load), which prepares the data and the plan (dangjian/scale/load.py)
and passes LOAD_PLAN (the plan's JSON file), LOAD_PASSWORD, LOAD_SECONDS (how long to measure once
every user has logged in) and LOAD_RECORDS (where every request is written for the summary).
Each virtual user logs in once, with its own account where the plan has enough, then works as
its role does, pausing to read between pages:

- branch secretaries: the dashboard, the meeting list, today's meeting — ticking attendance one
  tap per person through the same htmx POST the page sends —, the compliance calendar, the
  development board, the members, now and then correcting a member's record in the edit form;
- members: the dashboard, their branch's meetings and today's meeting page, their own record;
- HR managers: their employees (list, record), correcting one in the edit form, their imports;
- the county organisation department: the dashboard, the county's members page by page, the
  development pipeline, the branches' compliance roll-up, the meetings;
- a reporting program of the county with an API token (made on the token page, as a person
  would): the people API, page by page;
- one HR manager who, about once a minute, uploads a roster of new hires and confirms it, and
  watches the page while the background worker checks and imports it (htmx polls once a second).

The generator plays the TLS proxy in front of gunicorn: it sends X-Forwarded-Proto: https (and
the Origin a browser sends with a POST) and sends the secure cookies on loopback. Static files
are not fetched: browsers cache them.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import gevent
from locust import HttpUser, between, constant_pacing, events, task

from dangjian.scale import pages

PLAN: dict[str, Any] = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
PASSWORD = os.environ["LOAD_PASSWORD"]
RECORDS: list[dict[str, Any]] = []
RUN: dict[str, float] = {}
LEAVE_REASONS = ("夜班", "出差", "病假", "探亲")
POSTS = ("缝纫工", "裁剪工", "质检员", "挡车工", "操作工", "包装工")


@events.test_start.add_listener
def _started(**_kw: Any) -> None:
    RUN["started"] = time.time()


def _logged_in(environment: Any) -> None:
    """The measured window opens when every user has logged in (the ramp, Argon2 and all, is
    not the load) and closes LOAD_SECONDS later."""
    RUN["logged_in"] = RUN.get("logged_in", 0) + 1
    runner = environment.runner
    if "steady" not in RUN and runner is not None and RUN["logged_in"] >= runner.target_user_count:
        RUN["steady"] = time.time()
        gevent.spawn_later(float(os.environ.get("LOAD_SECONDS", "300")), _end, runner)


def _end(runner: Any) -> None:
    RUN["until"] = time.time()  # the users then finish what they are doing (--stop-timeout)
    runner.quit()


@events.request.add_listener
def _record(
    request_type: str,
    name: str,
    response_time: float,
    exception: Any = None,
    start_time: float = 0,
    context: dict[str, Any] | None = None,
    **_kw: Any,
) -> None:
    record = {"name": f"{request_type} {name}", "t": start_time, "ms": response_time, "error": _error(exception)}
    RECORDS.append(record | (context or {}))  # {"setup": True} for log-ins and the token


def _error(exception: Any) -> str | None:
    return None if exception is None else str(exception)[:300]


@events.test_stop.add_listener
def _stopped(**_kw: Any) -> None:
    RUN["stopped"] = time.time()


@events.quitting.add_listener
def _write(**_kw: Any) -> None:
    stopped = RUN.get("stopped", time.time())
    started = RUN.get("started", stopped)
    data = {
        "started": started,
        "steady": RUN.get("steady", started),
        "until": RUN.get("until", stopped),
        "stopped": stopped,
        "requests": RECORDS,
    }
    Path(os.environ["LOAD_RECORDS"]).write_text(json.dumps(data, ensure_ascii=False))


def flow(name: str, seconds: float, error: str | None = None) -> None:
    """A whole journey (not one request): kept for the summary apart from the requests."""
    RECORDS.append({"name": name, "t": time.time() - seconds, "ms": seconds * 1000, "error": error, "flow": True})


class Visitor(HttpUser):
    abstract = True
    accounts: itertools.cycle  # of the plan's entries for this role
    account: dict[str, Any]

    def on_start(self) -> None:
        self.account = next(self.accounts)
        self.origin = re.sub(r"^http:", "https:", self.host or "")
        self.client.headers.update({"X-Forwarded-Proto": "https", "Accept-Language": "zh-hans"})
        self.log_in()
        self.ready()

    def ready(self) -> None:
        _logged_in(self.environment)

    def log_in(self) -> None:
        page = self.get("/login/", "/login/", setup=True)
        self.post(
            "/login/",
            "/login/",
            setup=True,
            data={"csrfmiddlewaretoken": pages.csrf_token(page) or "", "username": self.account["username"]}
            | {"password": PASSWORD},
            expect=302,
            referer="/login/",
        )

    # -- requests that check what they got ------------------------------------------------------

    def get(
        self,
        path: str,
        name: str,
        *,
        expect: int = 200,
        headers: dict[str, str] | None = None,
        check: Callable[[Any], str | None] | None = None,
        setup: bool = False,
    ) -> str:
        with self.client.get(
            path,
            name=name,
            headers=self.headers(headers),
            allow_redirects=False,
            catch_response=True,
            context={"setup": True} if setup else {},
        ) as response:
            return self._judge(response, expect, check)

    def post(
        self,
        path: str,
        name: str,
        *,
        data: Any,
        referer: str,
        expect: int = 302,
        files: Any = None,
        headers: dict[str, str] | None = None,
        check: Callable[[Any], str | None] | None = None,
        setup: bool = False,
    ) -> str:
        # What a browser sends with a form: the page's origin and address (Django checks them
        # on HTTPS).
        sent = self.headers({"Origin": self.origin, "Referer": self.origin + referer, **(headers or {})})
        with self.client.post(
            path,
            name=name,
            data=data,
            files=files,
            headers=sent,
            allow_redirects=False,
            catch_response=True,
            context={"setup": True} if setup else {},
        ) as response:
            return self._judge(response, expect, check)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """`extra` and the session's cookies. The server marks them secure (it is behind TLS);
        a proxy would pass them on, but requests keeps secure cookies from plain http, so they
        are sent by hand."""
        sent = dict(extra or {})
        if self.client.cookies:
            sent["Cookie"] = "; ".join(f"{c.name}={c.value}" for c in self.client.cookies)
        return sent

    def _judge(self, response: Any, expect: int, check: Callable[[Any], str | None] | None) -> str:
        if response.status_code != expect:
            where = f" → {response.headers.get('Location')}" if response.is_redirect else ""
            response.failure(f"{response.status_code}{where} (expected {expect}): {_gist(response.text)}")
            return ""
        problem = check(response) if check else None
        if problem:
            response.failure(problem)
            return ""
        response.success()
        return response.text

    # -- what several roles do ---------------------------------------------------------------------

    def edit_person(self, pk: int) -> None:
        """Correct a person's post through the edit form, as a person at a desk would."""
        path = f"/people/{pk}/edit/"
        page = self.get(path, "/people/<id>/edit/")
        form = pages.form_with(page, "name")
        if form is None:
            return
        post = random.choice([p for p in POSTS if p != form.value("post")])
        self.post(path, "/people/<id>/edit/", data=form.data(post=post), referer=path)

    def read_person(self, pk: int) -> None:
        self.get(f"/people/{pk}/", "/people/<id>/")


# -- the tasks the roles share: each role's class lists the ones it does, with how often --------


def reads(path: str, weight: int, *, last_page: int = 0) -> Callable[[Visitor], None]:
    """Read the page at `path`; with `last_page`, one of its pages 1 to `last_page` at random
    (`path` then ends in "page=", and the requests are all named "…page=N")."""

    def read(user: Visitor) -> None:
        if last_page:
            user.get(f"{path}{random.randint(1, last_page)}", f"{path}N")
        else:
            user.get(path, path)

    return task(weight)(read)


def on_someone_in(listing: str, weight: int, then: Callable[[Visitor, int], None]) -> Callable[[Visitor], None]:
    """Read the list of people at `listing`, then do `then` with one of them (a person's pk)."""

    def pick(user: Visitor) -> None:
        found = pages.ids(user.get(listing, listing), "/people/")
        if found:
            then(user, random.choice(found))

    return task(weight)(pick)


def _gist(text: str) -> str:
    """The part of an error page that says what went wrong."""
    for pattern in (r'class="invalid-feedback[^"]*"[^>]*>([^<]+)', r"<title>([^<]+)</title>", r"<h1[^>]*>([^<]+)</h1>"):
        m = re.search(pattern, text or "")
        if m:
            return m.group(1).strip()[:200]
    return (text or "")[:200].replace("\n", " ")


class Secretary(Visitor):
    weight = 16
    wait_time = between(3, 12)
    accounts = itertools.cycle(PLAN["secretaries"])
    dashboard = reads("/", 3)
    meetings = reads("/meetings/", 2)
    calendar = reads("/meetings/calendar/", 2)
    development = reads("/development/", 2)
    members = reads("/people/?status=members", 2)
    correct_a_member = on_someone_in("/people/?status=members", 1, Visitor.edit_person)

    @task(6)
    def take_attendance(self) -> None:
        """Open today's meeting and tick a few people off, one tap each, as they come in."""
        path = f"/meetings/{self.account['meeting']}/"
        page = self.get(path, "/meetings/<id>/")
        rows, token = pages.attendance_rows(page), pages.csrf_token(page)
        if not rows or not token:
            return
        for pk in random.sample(sorted(rows), min(len(rows), random.randint(3, 8))):
            time.sleep(random.uniform(1, 3))
            self.tap(path, pk, token)

    def tap(self, page: str, pk: int, token: str) -> None:
        state = random.choices(("present", "leave", "absent"), weights=(8, 1, 1))[0]
        reason = random.choice(LEAVE_REASONS) if state == "leave" else ""

        def answered(response: Any) -> str | None:
            text = response.text
            if "invalid-feedback" in text:
                return f"tap refused: {_gist(text)}"
            if f'data-attendance="{pk}"' not in text or f'data-state="{state}"' not in text:
                return "the tap's answer does not show the row as marked"
            return None

        self.post(
            f"{page}attendance/{pk}/",
            "/meetings/<id>/attendance/<id>/ (tap)",
            data={"csrfmiddlewaretoken": token, "reason": reason, "state": state},
            referer=page,
            expect=200,
            headers={
                "HX-Request": "true",
                "HX-Target": f"a{pk}",
                "HX-Current-URL": self.origin + page,
                "X-CSRFToken": token,
            },
            check=answered,
        )


class Member(Visitor):
    weight = 16
    wait_time = between(5, 15)
    accounts = itertools.cycle(PLAN["members"])
    dashboard = reads("/", 3)
    meetings = reads("/meetings/", 2)

    @task(3)
    def todays_meeting(self) -> None:
        self.get(f"/meetings/{self.account['meeting']}/", "/meetings/<id>/")

    @task(2)
    def own_record(self) -> None:
        self.read_person(self.account["person"])


class HRManager(Visitor):
    weight = 8
    wait_time = between(3, 12)
    accounts = itertools.cycle(PLAN["managers"])
    dashboard = reads("/", 2)
    employees = reads("/people/?page=", 3, last_page=3)
    employee = on_someone_in("/people/", 2, Visitor.read_person)
    correct_an_employee = on_someone_in("/people/", 2, Visitor.edit_person)
    imports = reads("/imports/", 1)


class CountyOrgDepartment(Visitor):
    weight = 5
    wait_time = between(3, 12)
    accounts = itertools.cycle(PLAN["county"])
    dashboard = reads("/", 3)
    members = reads("/people/?status=members&page=", 3, last_page=10)
    person = on_someone_in("/people/?status=members", 1, Visitor.read_person)
    pipeline = reads("/development/pipeline/", 2)
    rollup = reads("/meetings/calendar/", 2)
    meetings = reads("/meetings/", 1)


class ReportingProgram(Visitor):
    """The county's own program reading people through the API with a personal token."""

    fixed_count = 2
    wait_time = between(2, 6)
    accounts = itertools.cycle(PLAN["county"])

    def ready(self) -> None:
        page = self.get("/account/tokens/", "/account/tokens/", setup=True)
        form = pages.form_with(page, "name")
        expires = time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() + 86400))
        created = self.post(
            "/account/tokens/",
            "/account/tokens/",
            setup=True,
            data=form.data(name="负载测试报表程序", expires_at=expires) if form else {},
            referer="/account/tokens/",
            expect=200,
        )
        m = re.search(r'id="new-token"[^>]*>([^<]+)<', created)
        self.client.cookies.clear()  # from here on the token alone
        self.token = {"Authorization": f"Bearer {m.group(1).strip()}"} if m else {}
        super().ready()

    @task(4)
    def people(self) -> None:
        self.get(f"/api/v1/people?page={random.randint(1, 20)}", "/api/v1/people?page=N", headers=self.token)

    @task(2)
    def members(self) -> None:
        self.get("/api/v1/people?political_status=full", "/api/v1/people?political_status=full", headers=self.token)


class RosterImporter(Visitor):
    """About once a minute an HR manager uploads a small roster of new hires and confirms it."""

    fixed_count = 1
    wait_time = constant_pacing(60)
    accounts = itertools.cycle([PLAN["importer"]])

    def on_start(self) -> None:
        super().on_start()
        self.rosters = itertools.cycle(self.account["rosters"])

    @task
    def import_roster(self) -> None:
        t0 = time.monotonic()
        error = self._import(Path(next(self.rosters)))
        flow("import: upload → checked → confirmed → imported", time.monotonic() - t0, error)

    def _import(self, roster: Path) -> str | None:
        page = self.get("/imports/new/", "/imports/new/")
        form = pages.form_with(page, "target")
        if form is None:
            return "no upload form"
        with self.client.post(
            "/imports/new/",
            name="/imports/new/",
            data=form.data(target=self.account["target"]),
            files={"file": (roster.name, roster.read_bytes(), "application/vnd.ms-excel")},
            headers=self.headers({"Origin": self.origin, "Referer": self.origin + "/imports/new/"}),
            allow_redirects=False,
            catch_response=True,
        ) as response:
            found = re.fullmatch(r"/imports/(\d+)/", response.headers.get("Location", ""))
            if response.status_code != 302 or not found:
                response.failure(f"upload: {response.status_code} {_gist(response.text)}")
                return "upload refused"
            response.success()
        path = found.group(0)
        if not self.watch(path):
            return "the check did not finish in 120 s"
        page = self.get(path, "/imports/<id>/")
        confirm = pages.form_at(page, f"{path}confirm/")
        if confirm is None:
            return f"nothing to confirm: {_gist(page)}"
        self.post(f"{path}confirm/", "/imports/<id>/confirm/", data=confirm.data(), referer=path)
        if not self.watch(path):
            return "the import did not finish in 120 s"
        page = self.get(path, "/imports/<id>/", check=lambda r: None if "data-imported" in r.text else "not imported")
        return None if page else "not imported"

    def watch(self, path: str, limit: float = 120) -> bool:
        """The page as htmx keeps it: its state asked once a second until the work is done."""
        self.get(path, "/imports/<id>/")
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            time.sleep(1)
            with self.client.get(
                f"{path}state/",
                name="/imports/<id>/state/",
                headers=self.headers({"HX-Request": "true", "HX-Target": "import-state"}),
                allow_redirects=False,
                catch_response=True,
            ) as response:
                if response.status_code != 200:
                    response.failure(f"{response.status_code}: {_gist(response.text)}")
                    return False
                response.success()
                if response.headers.get("HX-Refresh") == "true":
                    return True
        return False
