"""The load test: many people using the site at once, measured (`manage.py load`, `make load`).

`prepare` makes a generated county ready for the people the scenario plays: a year of meetings
for the compliance calendar and the lists, a meeting today in every branch that has a secretary
(to tap attendance in), accounts for some members (the generator makes none), one password for
every account the scenario logs in with, and small rosters for the HR manager to upload. It
writes what the virtual users need to know into a plan (JSON) and is safe to run again.

`run` serves the site as in production (gunicorn, DEBUG off, the task worker beside it) on this
database, runs the locust scenario (`locustfile.py`, a process of its own) headless, and
summarises every request it made: per request type the count, requests per second, p50, p95,
max and errors. The percentiles are exact (nearest rank over every request), not locust's
rounded ones; locust's own CSV and HTML reports are kept beside them.

Like the generator (`dataset`), this is benchmark set-up at the floor: it reads and writes other
apps' rows directly (bulk password changes, the year of meetings, the plan's queries) where no
selector or service does the same at that size; it uses the selectors that do.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import random
import resource
import shlex
import shutil
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from dangjian.access import services as access_services
from dangjian.access.models import Role, RoleAssignment, User
from dangjian.audit import services as audit
from dangjian.audit.models import Action
from dangjian.branchlife import rules as meeting_rules
from dangjian.branchlife import services as branchlife
from dangjian.branchlife.models import Meeting, MeetingKind
from dangjian.choices import PARTY_MEMBER_STATUSES
from dangjian.demo.meetings import year_of_meetings
from dangjian.organizations import selectors as org_selectors
from dangjian.organizations.models import Enterprise, Organization, ProductionUnit, UnitKind
from dangjian.people.models import Person

from .bench import BASE_DIR, Server, production_env
from .roster import employee_roster

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
TODAY_TOPIC = "主题党日：学习贯彻上级会议精神（负载测试）"
HISTORY_LABEL = "load test"


# --- the data ------------------------------------------------------------------------------------


@dataclass
class Plan:
    """Who the virtual users are and what each acts on (written to plan.json for locust)."""

    secretaries: list[dict[str, Any]] = field(default_factory=list)  # username, meeting
    members: list[dict[str, Any]] = field(default_factory=list)  # username, person, meeting
    managers: list[dict[str, Any]] = field(default_factory=list)  # username
    county: list[dict[str, Any]] = field(default_factory=list)  # username
    importer: dict[str, Any] = field(default_factory=dict)  # username, target, rosters

    def users(self) -> list[str]:
        every = [*self.secretaries, *self.members, *self.managers, *self.county, self.importer]
        return [u["username"] for u in every if u]


def prepare(
    county: Organization,
    *,
    password: str,
    out: Path,
    members: int = 40,
    managers: int = 40,
    rosters: int = 12,
    roster_rows: int = 30,
    today: dt.date | None = None,
    seed: int | None = None,
) -> Plan:
    """Make `county` (a generated one) ready for the scenario and return its plan."""
    today = today or timezone.localdate()
    if not Meeting.objects.filter(
        organization__path__startswith=county.path, held_on__year=today.year, held_on__lt=today
    ).exists():
        year_of_meetings(county, today, random.Random(f"load:{county.code}"), label=HISTORY_LABEL)
    plan = Plan()
    meeting_of: dict[int, int] = {}
    for user, branch in branch_secretaries(county):
        meeting_of[branch.pk] = meeting_today(branch, today).pk
        plan.secretaries.append({"username": user.username, "meeting": meeting_of[branch.pk]})
    for person in _members_to_play(county, set(meeting_of), members):
        if person.party_org_id is None:  # never: they are drawn from the branches' members
            continue
        user = _member_user(county, person)
        plan.members.append(
            {"username": user.username, "person": person.pk, "meeting": meeting_of[person.party_org_id]}
        )
    ents = org_selectors.enterprises_supervised_under(county)
    held = RoleAssignment.objects.filter(role=Role.MANAGER, enterprise__in=ents).select_related("user")
    # The HR manager of the largest firm uploads its new hires; the others read and edit.
    by_size = list(held.annotate(n=Count("enterprise__employees")).order_by("-n", "pk"))
    importer, others = by_size[0], by_size[1 : managers + 1]
    plan.managers = [{"username": r.user.username} for r in others]
    org_department = RoleAssignment.objects.filter(role=Role.ORG_DEPARTMENT, organization=county)
    plan.county = [{"username": r.user.username} for r in org_department.select_related("user").order_by("pk")]
    if importer.enterprise is None:  # never: a manager's role names the enterprise
        raise ValueError(f"the manager's role {importer.pk} names no enterprise")
    plan.importer = {
        "username": importer.user.username,
        "target": f"e{importer.enterprise_id}",
        "rosters": [str(p) for p in _rosters(importer.enterprise, out / "rosters", rosters, roster_rows, seed)],
    }
    _one_password(User.objects.filter(username__in=plan.users()), password)
    (out / "plan.json").write_text(json.dumps(asdict(plan), ensure_ascii=False, indent=1))
    return plan


def branch_secretaries(county: Organization) -> list[tuple[User, Organization]]:
    """Each secretary of a branch under the county with the branch they keep (the lowest one,
    for a secretary of a general branch and of one of its branches)."""
    rows = RoleAssignment.objects.filter(
        role=Role.SECRETARY,
        organization__path__startswith=county.path,
        organization__kind__in=meeting_rules.CALENDAR_ORG_KINDS,
    ).select_related("user", "organization")
    lowest: dict[int, tuple[RoleAssignment, Organization]] = {}
    for r in rows.order_by("pk"):
        org = r.organization
        if org is None:  # never: the filter above goes through the organisation
            continue
        if r.user_id not in lowest or org.depth > lowest[r.user_id][1].depth:
            lowest[r.user_id] = (r, org)
    return [(r.user, org) for r, org in sorted(lowest.values(), key=lambda pair: pair[0].pk)]


def meeting_today(branch: Organization, today: dt.date, topic: str = TODAY_TOPIC) -> Meeting:
    """A load's (or a benchmark's) meeting in `branch` today, under `topic`: the one an earlier run
    planned, else a new one."""
    found = Meeting.objects.filter(organization=branch, held_on=today, topic=topic).first()
    if found is not None:
        return found
    return branchlife.plan_meeting(
        actor=None,
        organization=branch,
        kind=MeetingKind.THEME_DAY,
        held_on=today,
        starts_at=dt.time(15, 0),
        place="党员活动室",
        topic=topic,
    )


def _members_to_play(county: Organization, branches: set[int], n: int) -> list[Person]:
    """Up to n members without an account of their own (or with the one an earlier run made),
    taken round the branches in turn."""
    candidates = (
        Person.objects.filter(
            party_org_id__in=branches, political_status__in=PARTY_MEMBER_STATUSES, employer__isnull=False
        )
        .exclude(Q(user__isnull=False) & ~Q(user__username__startswith=f"{county.code}-p"))
        .order_by("party_org_id", "pk")
    )
    per_branch: dict[int, list[Person]] = defaultdict(list)
    for p in candidates:
        if p.party_org_id is not None:  # always, by the filter above
            per_branch[p.party_org_id].append(p)
    chosen: list[Person] = []
    queues = [per_branch[b] for b in sorted(per_branch)]
    while len(chosen) < n and any(queues):
        for q in queues:
            if q and len(chosen) < n:
                chosen.append(q.pop(0))
    return chosen


def _member_user(county: Organization, person: Person) -> User:
    username = f"{county.code}-p{person.pk}"
    found = User.objects.filter(username=username).first()
    if found is not None:
        return found
    # No password here: _one_password gives every account of the plan the same one, hashed once.
    return access_services.create_user(
        actor=None, username=username, password=None, person=person, first_name=person.name
    )


def _one_password(users: Iterable[User], password: str) -> int:
    """Give every account `password`, hashing it once (Argon2 is slow by design). Accounts
    that share a hash are checked once; returns how many accounts were changed."""
    by_hash: dict[str, list[User]] = defaultdict(list)
    for user in users:
        by_hash[user.password].append(user)
    wrong = [u for group in by_hash.values() if not group[0].check_password(password) for u in group]
    if wrong:
        _set_password(wrong, make_password(password))
    return len(wrong)


@audit.write_transaction
def _set_password(users: Sequence[User], hashed: str) -> None:
    User.objects.filter(pk__in=[u.pk for u in users]).update(password=hashed)
    audit.record(
        actor=None,
        action=Action.UPDATE,
        object_type="access.User",
        object_repr=f"{HISTORY_LABEL}: one password for {len(users)} accounts",
        changes={"password": ["***", "***"], "accounts": len(users), "usernames": [u.username for u in users][:200]},
    )


def _rosters(ent: Enterprise, folder: Path, n: int, rows: int, seed: int | None) -> list[Path]:
    """n employee rosters of new hires for `ent`, in its own workshops and teams. A seed of this
    run's own (the time) makes each file's people new, also on a database used before."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    units = ProductionUnit.objects.filter(enterprise=ent, kind=UnitKind.TEAM).select_related("parent")
    teams = [(t.parent.name if t.parent else "", t.name) for t in units.order_by("pk")] or None
    base = seed if seed is not None else int(time.time())
    paths = []
    for i in range(n):
        path = folder / f"roster-{i + 1:02d}.xlsx"
        path.write_bytes(employee_roster(rows, seed=base + i, teams=teams))
        paths.append(path)
    return paths


# --- the run -------------------------------------------------------------------------------------


@dataclass
class Options:
    users: int = 50
    seconds: int = 300
    spawn_rate: float = 2.0  # users started per second (each logs in once: Argon2, ~0.3 s of a core)
    workers: int = 4  # gunicorn's
    worker_command: str = "run_workers"  # a manage.py command: the one `make run` starts
    out: Path = field(default_factory=lambda: Path(settings.VAR_DIR) / "load")


class Process:
    """A manage.py command run beside the server (the task worker), for the length of a `with`."""

    def __init__(self, command: str, env: dict[str, str], log: Path) -> None:
        self.args = [sys.executable, "manage.py", *shlex.split(command)]
        self.env, self.log_path = env, log
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> Process:
        self.log = open(self.log_path, "w")  # noqa: SIM115
        self.proc = subprocess.Popen(self.args, cwd=BASE_DIR, env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def __exit__(self, *exc: Any) -> None:
        if self.alive():
            assert self.proc is not None
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self.log.close()


@dataclass
class Row:
    name: str
    count: int
    rps: float
    p50: float
    p95: float
    max: float
    errors: int


@dataclass
class Summary:
    seconds: float  # measured: from the moment every user had logged in
    rows: list[Row]  # per request type, by name
    total: Row
    flows: list[Row]  # whole journeys (an import from upload to imported), not in the total
    ramp: list[Row]  # users starting: logging in, and every request before the last one had
    errors: list[tuple[str, str, int]]  # request type, error, occurrences (ramp and journeys too)

    @property
    def error_count(self) -> int:
        return sum(r.errors for r in [self.total, *self.flows, *self.ramp])

    def lines(self) -> list[str]:
        head = f"{'request type':44} {'count':>6} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'errors':>6}"
        out = [head, "-" * len(head)]
        for r in [*self.rows, self.total]:
            if r is self.total:
                out.append("-" * len(head))
            out.append(_line(r))
        if self.flows:
            out += ["", "journeys (not in the total):", *(_line(r) for r in self.flows)]
        if self.ramp:
            out += ["", "users starting: log-ins, and all until the last user had logged in (not in the total):"]
            out += [_line(r) for r in self.ramp]
        if self.errors:
            out += ["", "errors:"] + [f"  {n} × {name}: {error}" for name, error, n in self.errors]
        return out


def _line(r: Row) -> str:
    return f"{r.name[:44]:44} {r.count:6d} {r.rps:7.2f} {r.p50:8.0f} {r.p95:8.0f} {r.max:8.0f} {r.errors:6d}"


def percentile(ordered: Sequence[float], q: float) -> float:
    """The nearest-rank percentile of sorted values (the value below which q% of them lie)."""
    if not ordered:
        return 0.0
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summarise(records: Sequence[dict[str, Any]], seconds: float, steady: float | None = None) -> Summary:
    """Per request type and in total: count, requests per second over `seconds`, p50, p95, max
    (ms) and errors. Records are what the locustfile wrote: name, t (start), ms, error, and flow
    or setup. Log-ins (setup) and the requests started before `steady` (the last user started)
    are summarised apart: the ramp, where every user logs in once (Argon2, slow by design), is
    not the load."""

    def row(name: str, recs: Sequence[dict[str, Any]], over: float = seconds) -> Row:
        times = sorted(r["ms"] for r in recs)
        return Row(
            name,
            len(recs),
            len(recs) / over if over else 0.0,
            percentile(times, 50),
            percentile(times, 95),
            times[-1] if times else 0.0,
            sum(1 for r in recs if r.get("error")),
        )

    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    flows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ramp: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in records:
        if r.get("flow"):
            flows[r["name"]].append(r)
        elif r.get("setup") or (steady is not None and r.get("t", steady) < steady):
            ramp[r["name"]].append(r)
        else:
            groups[r["name"]].append(r)
    starts = [r.get("t", 0.0) for recs in ramp.values() for r in recs]
    ramp_seconds = max([*starts, steady or 0.0]) - min(starts) if starts else 0.0
    errors = Counter((r["name"], r["error"]) for r in records if r.get("error"))
    return Summary(
        seconds,
        [row(name, recs) for name, recs in sorted(groups.items())],
        row("total", [r for recs in groups.values() for r in recs]),
        [row(name, recs) for name, recs in sorted(flows.items())],
        [row(name, recs, ramp_seconds) for name, recs in sorted(ramp.items())],
        [(name, error, n) for (name, error), n in errors.most_common()],
    )


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return []


def tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) of a process, its children it has reaped and its live
    descendants, from /proc: the whole of gunicorn, of the worker or of PostgreSQL."""
    fields = _stat(pid)
    if not fields:
        return 0.0
    own = sum(int(v) for v in fields[11:15]) / os.sysconf("SC_CLK_TCK")  # utime stime cutime cstime
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        children = []
    return own + sum(tree_cpu(int(c)) for c in children)


def _machine_busy() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - idle) / tick, sum(values) / tick


def database_server_pid() -> int | None:
    """The PostgreSQL server (postmaster) serving this database, when it runs on this machine
    and we may see it: the parent of our own connection's process."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    fields = _stat(backend)
    return int(fields[1]) if fields else None


def warm(port: int, workers: int, paths: Sequence[str] = ("/login/", "/ping")) -> None:
    """A few requests on every worker before the clock starts: a worker's first request loads
    the URLs, templates and translations, which is start-up, not load."""

    def fetch(_i: int) -> None:
        for path in paths:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                conn.request("GET", path, headers={"X-Forwarded-Proto": "https"})
                conn.getresponse().read()
            finally:
                conn.close()

    with ThreadPoolExecutor(workers) as pool:
        list(pool.map(fetch, range(workers * 4)))


def run(plan_file: Path, password: str, opts: Options, say: Callable[[str], None] = print) -> Summary:
    """Serve, load, summarise. Raises RuntimeError when the server or the worker died."""
    out = opts.out
    for name in ("requests.json", "locust_stats.csv", "locust_failures.csv", "locust.html"):
        (out / name).unlink(missing_ok=True)
    cache = out / "cache"  # of this run only: a cache shared with another database shows its figures
    shutil.rmtree(cache, ignore_errors=True)
    env = production_env(CACHE_LOCATION=str(cache))
    records_file = out / "requests.json"
    load_before = os.getloadavg()
    with (
        Server(opts.workers, timeout=30, log=out / "server.log", env=env) as server,
        Process(opts.worker_command, env, out / "worker.log") as worker,
    ):
        host = f"http://127.0.0.1:{server.port}"
        warm(server.port, opts.workers)
        say(
            f"Load: {opts.users} users (started {opts.spawn_rate:g} a second) for {opts.seconds} s against {host} (gunicorn, {opts.workers} workers, "
            f"DEBUG off; worker: manage.py {opts.worker_command}); logs in {out}/"
        )
        pids = {"gunicorn": server.proc.pid if server.proc else 0, "task worker": worker.proc.pid if worker.proc else 0}
        if postgres := database_server_pid():
            pids["PostgreSQL"] = postgres
        cpu0 = {k: tree_cpu(p) for k, p in pids.items()}
        busy0, total0 = _machine_busy()
        children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        with (out / "locust.log").open("w") as log:
            locust = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    "--users",
                    str(opts.users),
                    "--spawn-rate",
                    str(opts.spawn_rate),
                    # The scenario stops itself `seconds` after every user has logged in; this
                    # is a bound for a ramp that never ends (log-ins refused).
                    "--run-time",
                    f"{opts.seconds + math.ceil(opts.users / opts.spawn_rate) + 300}s",
                    "--stop-timeout",
                    "30",
                    "--host",
                    host,
                    "--csv",
                    str(out / "locust"),
                    "--html",
                    str(out / "locust.html"),
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=BASE_DIR,
                env={
                    **os.environ,
                    "LOAD_PLAN": str(plan_file),
                    "LOAD_PASSWORD": password,
                    "LOAD_SECONDS": str(opts.seconds),
                    "LOAD_RECORDS": str(records_file),
                },
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        children1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        busy1, total1 = _machine_busy()
        cpu1 = {k: tree_cpu(p) for k, p in pids.items()}
        if not worker.alive():
            raise RuntimeError(f"the task worker stopped during the run: see {worker.log_path}")
        if server.proc is None or server.proc.poll() is not None:
            raise RuntimeError(f"gunicorn stopped during the run: see {server.log_path}")
    if not records_file.exists():
        raise RuntimeError(f"locust wrote no records (exit {locust.returncode}): see {out / 'locust.log'}")
    data = json.loads(records_file.read_text())
    summary = summarise(data["requests"], data["until"] - data["steady"], data["steady"])
    for line in summary.lines():
        say(line)
    cpu = {k: cpu1[k] - cpu0[k] for k in cpu1}
    cpu["locust"] = (children1.ru_utime + children1.ru_stime) - (children0.ru_utime + children0.ru_stime)
    cores = os.cpu_count() or 1
    wall, busy = total1 - total0, busy1 - busy0
    cpu["everything else on the machine"] = max(0.0, busy - sum(cpu.values()))
    say("")
    say(
        f"Machine: {cores} cores, {100 * busy / wall if wall else 0:.0f}% busy during the run; "
        f"load average {load_before[0]:.2f} before, {os.getloadavg()[0]:.2f} after"
    )
    say(
        f"CPU seconds during the run ({wall / cores:.0f} s × {cores} cores = {wall:.0f}): "
        + ", ".join(f"{k} {v:.0f}" for k, v in cpu.items())
    )
    say(f"Locust's own reports: {out}/locust_stats.csv, {out}/locust.html; every request: {records_file}")
    return summary
