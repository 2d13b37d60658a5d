"""Benchmarks with floors: each scenario's median and p95 next to the cheapest way the same stack
can produce the same answer, measured in the same run, and the ratio between them.

HTTP scenarios are served by gunicorn (the production server) started here on a free loopback
port, with DEBUG off, and driven one request at a time by `dangjian.scale.loadclient` in a
process of its own. The other scenarios run in this process against the same database. Peak
memory is the high-water mark of the process that did the work (the server's workers for HTTP),
reset before each scenario through /proc/PID/clear_refs where the kernel allows it.

Nothing here asserts a time: `manage.py benchmark` prints figures (and writes them as JSON), and
docs/benchmarks.md records them.

The floors are hand-written SQL and the import floor inserts rows directly: that is their point.
The benchmarked side goes through the selectors, services and pages it measures; finding the
generated world uses the organisations' selectors where one exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Count
from django.test import Client
from python_calamine import CalamineWorkbook

from dangjian.access import services as access_services
from dangjian.access.models import User
from dangjian.choices import PARTY_MEMBER_STATUSES, PoliticalStatus
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import NON_PUBLIC_OWNERSHIP, PARTY_UNIT_KINDS, Organization, Ownership
from dangjian.organizations.selectors import APPLICANT_STATUSES, BRANCH_KINDS, enterprises_under
from dangjian.people.choices import Ethnicity
from dangjian.people.crypto import blind_index, encrypt
from dangjian.people.models import Person
from dangjian.people.selectors import by_id_number, ethnicity_counts, filter_people, visible_people
from dangjian.rosters import pipeline
from dangjian.rosters import services as roster_services
from dangjian.rosters.columns import columns_for

from . import dataset
from .roster import employee_roster, roster_enterprise

BASE_DIR = Path(settings.BASE_DIR)


@dataclass
class Settings:
    seconds: float = 5.0  # per HTTP or in-process scenario
    min_runs: int = 20
    max_runs: int = 2000
    import_rows: int = 100_000
    import_runs: int = 1
    workers: int = 2


SHORT = Settings(seconds=0.5, min_runs=5, max_runs=50, import_rows=500, import_runs=2)


@dataclass
class Figure:
    scenario: str
    runs: int
    median_ms: float
    p95_ms: float
    peak_rss_mb: float | None = None
    floor: str | None = None
    ratio: float | None = None  # median ÷ the floor's median
    note: str = ""
    detail: dict[str, Any] | None = None  # a scenario's own figures beyond its times (concurrency)

    def line(self) -> str:
        """The figure as the benchmark prints it; a scenario with figures of its own (`detail`)
        says them in its note, on the same line."""
        ratio = f"  ×{self.ratio:.2f} of {self.floor}" if self.ratio is not None else ""
        peak = f"  peak {self.peak_rss_mb:.0f} MB" if self.peak_rss_mb else ""
        note = f"  {self.note}" if self.detail else ""
        return f"{self.scenario:32} n={self.runs:<5} median {self.median_ms:9.2f} ms  p95 {self.p95_ms:9.2f} ms{peak}{ratio}{note}"

    @classmethod
    def of(cls, scenario: str, times: list[float], **kw: Any) -> Figure:
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
        return cls(scenario, len(times), statistics.median(times) * 1000, p95 * 1000, **kw)


# --- memory --------------------------------------------------------------------------------------


def reset_peak(pid: int | str = "self") -> bool:
    """Reset a process's peak RSS to its current RSS (Linux ≥ 4.0)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def peak_mb(pid: int | str = "self") -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# --- timing in this process ----------------------------------------------------------------------


def time_calls(fn: Callable[[int], Any], s: Settings, warmup: int = 3) -> list[float]:
    """Call fn(i) repeatedly: at least min_runs times, then until `seconds` have passed."""
    for i in range(warmup):
        fn(i)
    times: list[float] = []
    deadline = time.perf_counter() + s.seconds
    i = 0
    while len(times) < s.max_runs and (len(times) < s.min_runs or time.perf_counter() < deadline):
        t0 = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t0)
        i += 1
    return times


def measured(name: str, fn: Callable[[int], Any], s: Settings, **kw: Any) -> Figure:
    reset_peak()
    times = time_calls(fn, s)
    return Figure.of(name, times, peak_rss_mb=peak_mb(), **kw)


# --- the server ----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(**overrides: str) -> dict[str, str]:
    """The environment of a production process on this database (gunicorn, the task worker):
    DEBUG off, this process's keys, loopback only. Static files come from the finders
    (DANGJIAN_PLAIN_STATIC) unless the caller's environment says otherwise, which then needs
    `collectstatic` first."""
    return {
        **os.environ,
        "DEBUG": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "DANGJIAN_PLAIN_STATIC": os.environ.get("DANGJIAN_PLAIN_STATIC", "1"),
        "DATABASE_URL": database_url(),
        "PYTHONUNBUFFERED": "1",
        **overrides,
    }


class Server:
    """gunicorn serving this project on loopback with DEBUG off, for the length of a `with`."""

    def __init__(
        self, workers: int = 2, *, timeout: int = 300, log: Path | None = None, env: dict[str, str] | None = None
    ) -> None:
        self.port = free_port()
        self.workers = workers
        self.timeout = timeout
        self.log_path = log or Path(settings.VAR_DIR) / "bench-server.log"
        self.env = env or production_env()
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dangjian.wsgi",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--timeout",
                str(self.timeout),
                "--preload",  # the application loaded once and forked, not once per worker
                "--graceful-timeout",
                "1",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.__exit__()
                raise RuntimeError(f"gunicorn exited: see {self.log.name}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    pass
                # Every worker up (where the kernel lists children), so none is timed while booting.
                if len(self.worker_pids()) >= self.workers or not self._children_listed():
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        self.__exit__()
        raise RuntimeError(f"gunicorn did not start within 60 s: see {self.log.name}")

    def __exit__(self, *exc: Any) -> None:
        if self.proc and self.proc.poll() is None:
            # gunicorn's quick shutdown: every measured request has been answered by now, and a
            # worker that lingers past the graceful timeout (1 s) is killed (the log says so)
            # rather than waited for (4–6 s a phase).
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(20)
        self.log.close()

    def _children_listed(self) -> bool:
        assert self.proc is not None
        return Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").exists()

    def worker_pids(self) -> list[int]:
        assert self.proc is not None
        try:
            text = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text()
        except OSError:
            return []
        return [int(p) for p in text.split()]

    def get(self, path: str, headers: dict[str, str], s: Settings) -> tuple[list[float], float | None, int]:
        """Times of GET path from the load client; the workers' peak RSS; the response size."""
        for pid in self.worker_pids():
            reset_peak(pid)
        args = [
            sys.executable,
            "-m",
            "dangjian.scale.loadclient",
            "--url",
            f"http://127.0.0.1:{self.port}{path}",
            "--seconds",
            str(s.seconds),
            "--min-requests",
            str(s.min_runs),
            "--max-requests",
            str(s.max_runs),
        ]
        for k, v in headers.items():
            args += ["--header", f"{k}: {v}"]
        out = subprocess.run(args, cwd=BASE_DIR, capture_output=True, text=True, timeout=3600)
        try:
            result = json.loads(out.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError) as exc:
            raise RuntimeError(f"load client failed on {path}: {out.stderr[-2000:]}") from exc
        if "error" in result:
            raise RuntimeError(f"GET {path} answered {result['error']}: {result['body']}")
        peaks = [p for p in (peak_mb(pid) for pid in self.worker_pids()) if p is not None]
        return result["times"], (max(peaks) if peaks else None), result["bytes"]


def database_url() -> str:
    """The database this process uses, for the server: the URL it was given when there is one."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or ''}:{db.get('PORT') or 5432}/{db['NAME']}"


# --- the dataset's places and people -------------------------------------------------------------


@dataclass
class Place:
    org: Organization
    user: User


@dataclass
class World:
    scale: str
    county: Place
    prefecture: Place | None
    widest: Place = field(init=False)

    def __post_init__(self) -> None:
        self.widest = self.prefecture or self.county


class NoDataset(Exception):
    pass


def find_world(scale: str) -> World:
    return find_world_of(dataset.SCALES[scale])


def find_world_of(s: dataset.Scale) -> World:
    """The generated committees of that scale, and their organisation departments' users."""
    if s.prefectures:
        prefecture = org_selectors.org_with_code(f"{dataset.PREFECTURES[0][0]}00")
        if prefecture is None:
            raise NoDataset(s.name)
        county = (
            Organization.objects.filter(parent=prefecture, kind="county")
            .annotate(n=Count("supervised_enterprises"))
            .order_by("-n", "pk")
            .first()
        )
        if county is None:
            raise NoDataset(s.name)
        return World(s.name, _place(county), _place(prefecture))
    lone = org_selectors.org_with_code(dataset.LONE_COUNTY[0])
    if lone is None:
        raise NoDataset(s.name)
    return World(s.name, _place(lone), None)


def _place(org: Organization) -> Place:
    user = User.objects.get(username=f"{org.code}-org")
    return Place(org, user)


def session_headers(user: User) -> dict[str, str]:
    """Log the user in as a browser would (the login is audited) and return the cookie."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {
        "Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}",
        "Accept-Language": "zh-hans",
        "X-Forwarded-Proto": "https",
    }


@contextlib.contextmanager
def api_token(user: User) -> Iterator[dict[str, str]]:
    """A personal token for the run's API calls (created and revoked through the services)."""
    token, raw = access_services.create_token(
        actor=user, user=user, name="benchmark", expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(hours=6)
    )
    try:
        yield {"Authorization": f"Bearer {raw}", "Accept-Language": "zh-hans", "X-Forwarded-Proto": "https"}
    finally:
        access_services.revoke_token(actor=user, token=token)


# --- the floors ----------------------------------------------------------------------------------


def committee_figures_sql(path: str) -> dict[str, Any]:
    """The committee dashboard's figures in one hand-written statement: the floor its page and
    selectors are measured against, and (in tests) a second opinion on their numbers."""
    like = path + "%"
    members = ", ".join(f"'{s}'" for s in PARTY_MEMBER_STATUSES)
    covered = "CASE WHEN e.party_org_id IS NULL THEN 'n' ELSE 'y' END"
    # The subtree's ids once, then the big tables through their foreign-key indexes: the
    # fastest shape on both engines (a join on path reads every person).
    sql = f"""
        WITH sub AS (SELECT id, kind FROM organizations_organization WHERE path LIKE %s)
        SELECT 's:' || p.political_status, COUNT(*) FROM people_person p
         WHERE p.party_org_id IN (SELECT id FROM sub) GROUP BY p.political_status
        UNION ALL
        SELECT 'e:' || p.ethnicity, COUNT(*) FROM people_person p
         WHERE p.party_org_id IN (SELECT id FROM sub) AND p.political_status IN ({members}) GROUP BY p.ethnicity
        UNION ALL
        SELECT 'x:' || e.ownership || ':' || {covered}, COUNT(*) FROM organizations_enterprise e
         WHERE e.supervising_org_id IN (SELECT id FROM sub) GROUP BY e.ownership, {covered}
        UNION ALL
        SELECT 'k:' || kind, COUNT(*) FROM sub GROUP BY kind
        UNION ALL
        SELECT 'instructors', COUNT(DISTINCT r.user_id)
          FROM access_roleassignment r JOIN organizations_enterprise e ON e.id = r.enterprise_id
         WHERE r.role = 'instructor' AND e.supervising_org_id IN (SELECT id FROM sub)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [like])
        rows = cursor.fetchall()
    status: dict[str, int] = {}
    ethnicity: dict[str, int] = {}
    ents: dict[tuple[str, bool], int] = {}
    kinds: dict[str, int] = {}
    instructors = 0
    for key, n in rows:
        kind, _sep, rest = key.partition(":")
        if kind == "s":
            status[rest] = n
        elif kind == "e":
            ethnicity[rest] = n
        elif kind == "x":
            ownership, covered = rest.split(":")
            ents[(ownership, covered == "y")] = n
        elif kind == "k":
            kinds[rest] = n
        else:
            instructors = n

    def ent_count(owners: set[str] | None = None, covered: bool | None = None) -> int:
        return sum(
            n for (o, c), n in ents.items() if (owners is None or o in owners) and (covered is None or c == covered)
        )

    full, prob = status.get(PoliticalStatus.FULL, 0), status.get(PoliticalStatus.PROBATIONARY, 0)
    return {
        "members": full + prob,
        "full_members": full,
        "probationary_members": prob,
        "applicants": sum(status.get(s, 0) for s in APPLICANT_STATUSES),
        "applying": {str(s): status.get(s, 0) for s in APPLICANT_STATUSES},
        "enterprises": ent_count(),
        "covered": ent_count(covered=True),
        "state": ent_count({Ownership.STATE}),
        "state_covered": ent_count({Ownership.STATE}, True),
        "non_public": ent_count(set(NON_PUBLIC_OWNERSHIP)),
        "non_public_covered": ent_count(set(NON_PUBLIC_OWNERSHIP), True),
        "branches": sum(kinds.get(k, 0) for k in BRANCH_KINDS),
        "party_units": sum(kinds.get(k, 0) for k in PARTY_UNIT_KINDS),
        "instructors": instructors,
        "ethnicity": ethnicity,
    }


def list_queries(user: User, filters: dict[str, Any], start: int, stop: int) -> list[tuple[str, tuple]]:
    """The person list's count and its page of ids, compiled to SQL once."""

    qs = filter_people(visible_people(user), filters, user).order_by("name", "pk")
    count = qs.order_by().values("pk")
    ids = qs.values_list("pk", flat=True)[start:stop]
    count_sql, count_params = count.query.sql_with_params()
    ids_sql, ids_params = ids.query.sql_with_params()
    return [(f"SELECT COUNT(*) FROM ({count_sql}) AS matches", count_params), (ids_sql, ids_params)]


def run_raw(queries: list[tuple[str, tuple]]) -> None:
    with connection.cursor() as cursor:
        for sql, params in queries:
            cursor.execute(sql, params)
            cursor.fetchall()


def id_lookup_sql(index: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, name FROM people_person WHERE id_number_index = %s", [index])
        return cursor.fetchall()


# --- the import ----------------------------------------------------------------------------------


@contextlib.contextmanager
def rolled_back() -> Iterator[None]:
    """Run the block in a transaction that is always rolled back, leaving the dataset as it was."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


PERSON_COLUMNS = (
    "name, name_latin, gender, ethnicity, birth_date, id_number, id_number_index, phone, education, post, "
    "employer_id, team_id, hire_date, is_league_member, preferred_language, political_status, created_at, updated_at"
)


def import_floor(data: bytes, county: Organization) -> int:
    """Read the file with the fastest reader we have and bulk-insert the same rows (encrypted,
    indexed), in one transaction: the least work that stores what the import stores."""

    ent = roster_enterprise(county, "floor")
    teams = {t.name: t.pk for t in ent.units.all()}
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    rows = book.get_sheet_by_index(0).to_python()
    keys = [c.key for c in columns_for("employees")]
    ethnic = {str(label): code for code, label in Ethnicity.choices}
    now = dt.datetime.now(dt.UTC)
    values: list[tuple[Any, ...]] = []
    for row in rows[2:]:  # title row, header row
        r = dict(zip(keys, row, strict=False))
        if not r.get("id_number"):
            continue
        id_number = str(r["id_number"])
        values.append(
            (
                r["name"],
                "",
                "M" if r["gender"] == "男" else "F",
                ethnic.get(str(r["ethnicity"]), "01"),
                _as_date(r["birth_date"]),
                encrypt(id_number),
                blind_index(id_number),
                encrypt(str(r["phone"])),
                "",
                r["post"],
                ent.pk,
                teams.get(r["team"]),
                _as_date(r["hire_date"]),
                False,
                "",
                PoliticalStatus.MASSES,
                now,
                now,
            )
        )
    marks = ", ".join(["%s"] * 18)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO people_person ({PERSON_COLUMNS}) VALUES ({marks})", values)
    return len(values)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and value:
        return dt.date.fromisoformat(value[:10])
    return None


def import_ours(
    data: bytes,
    county: Organization,
    on_progress: Callable[[int, int], None] | None = None,
    parts: dict[str, list[float]] | None = None,
) -> int:
    """The roster import as the page and `import_roster` run it: upload, check, confirm, apply.
    `parts` collects the seconds of each step: the check, the confirmation (confirm and apply),
    and of the latter its preparation, its staging (both outside any transaction) and its
    exclusive part (the one write transaction)."""

    ent = roster_enterprise(county, "import")
    imp = roster_services.upload(actor=None, target=ent, file_name="bench.xlsx", data=data, background=False)
    t0 = time.perf_counter()
    pipeline.check(imp)
    t1 = time.perf_counter()
    roster_services.confirm(actor=None, imp=imp, background=False)
    pipeline.apply(imp, progress=on_progress)
    t2 = time.perf_counter()
    if imp.status != "imported":
        raise RuntimeError(f"the benchmark import ended {imp.status}: {imp.counts}")
    if parts is not None:
        for name, seconds in (
            ("check", t1 - t0),
            ("confirm", t2 - t1),
            ("prepare", imp.timings["prepare"]),
            ("stage", imp.timings["stage"]),
            ("exclusive", imp.timings["merge"]),
        ):
            parts.setdefault(name, []).append(seconds)
    return imp.counts["rows"]


def write_during_import(data: bytes, county: Organization, user: User) -> tuple[float, str]:
    """How long an audited write elsewhere (a user changing their language) waits once an import
    is being merged. The import runs in a transaction rolled back afterwards, which on SQLite
    holds the database's one write lock from the upload on: there the write waits for the whole
    import. On PostgreSQL the write shares no lock with it (the audit log takes none)."""
    applying = threading.Event()
    failures: list[BaseException] = []

    def merging(done: int, total: int) -> None:
        if done * 2 > total:
            applying.set()

    def work() -> None:
        try:
            with rolled_back():
                import_ours(data, county, on_progress=merging)
        except BaseException as exc:  # reported below; the thread must not die silently
            failures.append(exc)
        finally:
            applying.set()
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    applying.wait()
    t0 = time.perf_counter()
    try:
        with rolled_back():
            access_services.set_language(actor=user, user=user, language="en" if user.language != "en" else "zh-hans")
        outcome = "waited for the import"
    except OperationalError as exc:
        outcome = f"refused: {exc}"
    waited = time.perf_counter() - t0
    thread.join()
    if failures:
        raise failures[0]
    return waited, outcome


# --- the run -------------------------------------------------------------------------------------


# A scenario group defined elsewhere (it builds on this module): what it measures, each figure
# printed as it comes.
Group = Callable[[World, Settings], Iterable[Figure]]


def run(
    scale: str,
    s: Settings,
    only: set[str] | None = None,
    say: Callable[[str], None] = print,
    more: dict[str, Group] | None = None,
) -> dict[str, Any]:
    return run_on(find_world(scale), s, only, say, more)


def run_on(
    world: World,
    s: Settings,
    only: set[str] | None = None,
    say: Callable[[str], None] = print,
    more: dict[str, Group] | None = None,
) -> dict[str, Any]:
    """Every scenario group, or those in `only`; `more` adds groups by name, run after these."""
    scale = world.scale
    figures: list[Figure] = []

    def keep(fig: Figure) -> Figure:
        figures.append(fig)
        say(fig.line())
        return fig

    def against(fig: Figure, floor: Figure) -> Figure:
        fig.floor, fig.ratio = floor.scenario, fig.median_ms / floor.median_ms if floor.median_ms else None
        return fig

    def wanted(name: str) -> bool:
        return only is None or any(name.startswith(o) for o in only)

    say(f"Benchmark: {scale} dataset on {connection.vendor}; {Person.objects.count():,} persons")
    widest = world.widest
    if wanted("http") or wanted("page") or wanted("api") or wanted("dashboard"):
        web = session_headers(widest.user)
        county_web = session_headers(world.county.user)
        with api_token(widest.user) as api, Server(s.workers) as server:

            def http(name: str, path: str, headers: dict[str, str], **kw: Any) -> Figure:
                times, peak, size = server.get(path, headers, s)
                return Figure.of(name, times, peak_rss_mb=peak, note=f"{size:,} bytes", **kw)

            floor_web = keep(http("http.floor.page", "/ping", web))
            floor_api = keep(http("http.floor.api", "/api/v1/me", api))
            if wanted("page"):
                keep(against(http("page.people", "/people/?status=members&page=3", web), floor_web))
                # What no page can avoid: the same count and page of ids, as raw SQL.
                queries = list_queries(widest.user, {"status": "members"}, 100, 150)
                keep(measured("sql.people", lambda _i: run_raw(queries), s, note="count + page ids"))
            if wanted("api"):
                keep(against(http("api.people", "/api/v1/people?political_status=full&page=3", api), floor_api))
                # Its own count and page of ids, as raw SQL (the API's reach is the list's).
                api_queries = list_queries(widest.user, {"status": PoliticalStatus.FULL}, 100, 150)
                keep(measured("sql.api.people", lambda _i: run_raw(api_queries), s, note="count + page ids"))
            if wanted("dashboard"):
                places = [("county", world.county, county_web)]
                if world.prefecture:
                    places.append(("prefecture", world.prefecture, web))
                for label, place, headers in places:

                    def floor_sql(_i: int, p: Place = place) -> dict[str, Any]:
                        return committee_figures_sql(p.org.path)

                    def our_figures(_i: int, p: Place = place) -> Any:
                        return dashboard_figures(p)

                    floor = keep(measured(f"sql.dashboard.{label}", floor_sql, s))
                    keep(against(http(f"page.dashboard.{label}", "/", headers), floor))
                    keep(against(measured(f"figures.dashboard.{label}", our_figures, s), floor))
    if wanted("lookup"):
        # 200 people spread over the widest user's reach (at province scale, one prefecture).
        reach = Person.objects.filter(employer__in_ids=enterprises_under(widest.org.path))
        pks = list(reach.order_by("pk").values_list("pk", flat=True))
        sample = pks[:: max(1, len(pks) // 200)][:200]
        numbers = [p.id_number for p in Person.objects.filter(pk__in=sample)]
        indexes = [blind_index(n) for n in numbers]
        user = widest.user

        def ours(i: int) -> list[Person]:
            found = list(by_id_number(user, numbers[i % len(numbers)])[:2])
            assert len(found) == 1
            return found

        floor = keep(measured("sql.id_lookup", lambda i: id_lookup_sql(indexes[i % len(indexes)]), s))
        keep(against(measured("lookup.id_number", ours, s), floor))
    if wanted("import"):
        data = employee_roster(s.import_rows, seed=4)
        floor_times: list[float] = []
        our_times: list[float] = []
        floor_peak = our_peak = 0.0

        def once(run_import: Callable[[bytes, Organization], int], times: list[float]) -> float:
            """One import in a rolled-back transaction: its time goes to `times`; its peak RSS is returned."""
            reset_peak()
            with rolled_back():
                t0 = time.perf_counter()
                run_import(data, world.county.org)
                times.append(time.perf_counter() - t0)
            return peak_mb() or 0

        parts: dict[str, list[float]] = {}

        def import_in_parts(data: bytes, county: Organization) -> int:
            return import_ours(data, county, parts=parts)

        for _run in range(s.import_runs):
            floor_peak = max(floor_peak, once(import_floor, floor_times))
            our_peak = max(our_peak, once(import_in_parts, our_times))
        note = f"{s.import_rows:,} rows"
        floor = keep(Figure.of("floor.import", floor_times, peak_rss_mb=floor_peak, note=note))
        keep(against(Figure.of("import.roster", our_times, peak_rss_mb=our_peak, note=note), floor))
        # Its steps: the check, the confirmation (preparing and staging outside any transaction,
        # then the exclusive part, the one short write transaction).
        check_and_confirm = [c + f for c, f in zip(parts["check"], parts["confirm"], strict=True)]
        keep(against(Figure.of("import.check_and_confirm", check_and_confirm, note=note), floor))
        for name in ("check", "confirm", "prepare", "stage", "exclusive"):
            keep(against(Figure.of(f"import.{name}", parts[name], note=note), floor))
    if wanted("contention"):
        data = employee_roster(s.import_rows, seed=5)
        waited, outcome = write_during_import(data, world.county.org, world.county.user)
        keep(Figure.of("contention.write_during_import", [waited], note=f"{s.import_rows:,} rows; {outcome}"))
    for name, group in (more or {}).items():
        if wanted(name):
            for fig in group(world, s):
                keep(fig)
    return {
        "scale": scale,
        "database": connection.vendor,
        "persons": Person.objects.count(),
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "settings": asdict(s),
        "figures": [asdict(f) for f in figures],
    }


def dashboard_figures(place: Place) -> Any:
    """What a committee's dashboard panel counts when its kept figures have expired."""

    return org_selectors.org_figures(place.org), ethnicity_counts(place.org)
