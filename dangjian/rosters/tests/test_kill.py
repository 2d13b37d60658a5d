"""A real process killed in the middle of an import leaves the database as it was.

The import runs in its own `manage.py import_roster` process on a database of its own (a SQLite
file, or a fresh database on the PostgreSQL server the suite uses); once it has written part
of the file it gets SIGKILL — while its rows are prepared, outside any transaction, or while they
are merged inside its one write transaction — and the database is then read back by another
process, and the import confirmed again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dangjian.testing.processes import ROOT
from dangjian.testing.processes import manage as _manage
from dangjian.testing.rosters import ident, xlsx

SETUP = """
from dangjian.organizations import services as o
p = o.create_organization(actor=None, kind="prefecture", name="州委", parent=None)
c = o.create_organization(actor=None, kind="county", name="县委", parent=p)
o.create_enterprise(actor=None, name="服装公司", uscc="{uscc}", ownership="private", supervising_org=c)
"""
READ_BACK = """
from dangjian.people.models import Person
from dangjian.rosters.models import RosterImport
from dangjian.audit.services import verify_chain
checked, bad, reason = verify_chain()
print("RESULT", Person.objects.count(), RosterImport.objects.get().status, "broken" if reason else "intact")
"""


def _prepared(tmp_path: Path, database: str, code: int) -> tuple[dict[str, str], str, Path]:
    """A (migrated) database with an enterprise (USCC made of `code`) and a 3,000-row roster for it,
    and the environment of a `manage.py` process on it."""
    from dangjian.testing.factories import make_uscc

    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DATABASE_URL": database,
        "DEBUG": "1",
        "DANGJIAN_VAR_DIR": str(tmp_path / "var"),
    }
    uscc = make_uscc(code)
    _manage(env, "shell", "-c", SETUP.format(uscc=uscc))
    rows = [[i, f"员工{i}", "女", "汉族", ident(i), "", "", "", "", ""] for i in range(1, 3001)]
    roster = tmp_path / "roster.xlsx"
    roster.write_bytes(xlsx(rows))
    return env, uscc, roster


CONFIRM_AGAIN = """
from dangjian.people.models import Person
from dangjian.rosters import pipeline, services
from dangjian.rosters.models import RosterImport
from dangjian.audit.services import verify_chain
imp = RosterImport.objects.get()
services.confirm(actor=None, imp=imp, background=False)
pipeline.apply(imp)
checked, bad, reason = verify_chain()
print("RESULT", Person.objects.count(), imp.status, "broken" if reason else "intact")
"""


def _progress(seen: bytes) -> tuple[int, int] | None:
    """The last "done/total" the import printed after "importing" (its first half is the
    preparation outside any transaction, its second half the merge inside one)."""
    after = seen.split(b"importing", 1)[1] if b"importing" in seen else b""
    marks = [m for m in after.replace(b"\n", b"\r").split(b"\r") if m.count(b"/") == 1]
    if not marks:
        return None
    done, _slash, total = marks[-1].partition(b"/")
    return (int(done), int(total)) if done.isdigit() and total.strip().isdigit() else None


# Where the import is when killed, by the progress it printed (of 2 × rows): preparing its rows
# (the first half), staging them (up to 1.8: ids reserved, rows and events in staging tables),
# merging them (1.9: its write transaction has begun).
PHASES = {
    "preparing": lambda done, total: 0 < done * 2 < total,
    "staging": lambda done, total: total < done * 2 and done * 10 < total * 9,
    "merging": lambda done, total: done * 20 >= total * 19,
}


@pytest.mark.django_db
@pytest.mark.parametrize("phase", list(PHASES))
def test_killing_the_import_midway_writes_nothing_and_it_can_be_confirmed_again(tmp_path, own_database, phase):
    """Killed while its rows are prepared or staged (outside any transaction) or while they are
    merged (inside the one write transaction): nothing of the file is written, the import is
    still waiting for confirmation, the log verifies, and confirming it again imports it whole.
    The merge takes a few dozen milliseconds for these rows, so a kill aimed at it may land
    just after its commit: then the whole file is in, never a part of it."""
    code = {"preparing": 4242, "staging": 4243, "merging": 4244}[phase]
    env, uscc, roster = _prepared(tmp_path, own_database, code)

    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import_roster", str(roster), "--into", uscc, "-v", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        seen += os.read(proc.stderr.fileno(), 4096)
        got = _progress(seen)
        if got is not None and PHASES[phase](*got):
            break
    else:
        proc.kill()
        pytest.fail(f"the import never got going: {seen[-500:]!r}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL

    out = _manage(env, "shell", "-c", READ_BACK).stdout
    found = out.split("RESULT", 1)[1].split()
    if phase == "merging" and found == ["3000", "imported", "intact"]:
        return  # committed before the kill: whole
    assert found == ["0", "checked", "intact"], out
    out = _manage(env, "shell", "-c", CONFIRM_AGAIN).stdout
    assert out.split("RESULT", 1)[1].split() == ["3000", "imported", "intact"], out


READ_BACK_CHECK = """
from dangjian.audit.models import AuditEvent
from dangjian.people.models import Person
from dangjian.rosters.models import RosterImport
imp = RosterImport.objects.get()
stopped = AuditEvent.objects.filter(object_type="rosters.RosterImport", changes__stopped="interrupted").count()
print("RESULT", Person.objects.count(), imp.status, stopped, "|", imp.message)
"""


@pytest.mark.django_db
def test_a_killed_dry_run_is_found_and_marked_interrupted(tmp_path, own_database):
    """A killed `import_roster --dry-run` has no job to show it stopped: it used to stay
    "checking" for ever. The sweep (run by the workers every minute, or `manage.py sweep_jobs`)
    finds it once it has shown no sign of life for JOB_STALL_SECONDS."""
    env, uscc, roster = _prepared(tmp_path, own_database, 4343)

    proc = subprocess.Popen(
        [sys.executable, "manage.py", "import_roster", str(roster), "--into", uscc, "--dry-run", "-v", "2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    seen = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and b"/" not in seen:
        seen += os.read(proc.stderr.fileno(), 4096)  # killed once the check reports rows
    if b"/" not in seen:
        proc.kill()
        pytest.fail(f"the check never got going: {seen[-500:]!r}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()

    # Within the stall time it may still be running somewhere: left alone.
    _manage(env, "sweep_jobs")
    assert _manage(env, "shell", "-c", READ_BACK_CHECK).stdout.split("RESULT", 1)[1].split()[:3] == [
        "0",
        "checking",
        "0",
    ]
    _manage({**env, "JOB_STALL_SECONDS": "0"}, "sweep_jobs")
    out = _manage(env, "shell", "-c", READ_BACK_CHECK).stdout.split("RESULT", 1)[1]
    assert out.split()[:3] == ["0", "interrupted", "1"], out
    assert "Nothing was written" in out or "没有写入" in out
