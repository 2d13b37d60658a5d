"""The concurrency group (`benchmark --only concurrency`) end to end, as `make bench` runs it: a
tiny generated dataset in a database of its own, the site served by gunicorn, the writers in
their own process, an import in the benchmark's. What is asserted is behaviour, never a time:
both phases write, every saved write has its one audit event, the chain verifies, nothing is
refused for a reason other than a busy database, and what the writers changed is put back."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dangjian.testing.processes import manage

SNAPSHOT = """
from dangjian.branchlife.models import Attendance
from dangjian.people.models import Person
from dangjian.scale.concurrency import TOPIC
import hashlib
posts = hashlib.sha256(repr(list(Person.objects.order_by("pk").values_list("pk", "post"))).encode()).hexdigest()
states = sorted(set(Attendance.objects.filter(meeting__topic=TOPIC).values_list("state", "reason")))
print("SNAPSHOT", posts, states)
"""


def _env(tmp_path: Path, database: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dangjian.settings",
        "DATABASE_URL": database,
        "DEBUG": "0",
        "DANGJIAN_VAR_DIR": str(tmp_path / "var"),
    }


def _snapshot(env: dict[str, str]) -> str:
    out = manage(env, "shell", "-c", SNAPSHOT).stdout
    return next(line for line in out.splitlines() if line.startswith("SNAPSHOT"))


@pytest.mark.django_db
def test_writers_at_once_quiet_and_during_an_import_lose_no_event(tmp_path, own_database):
    env = _env(tmp_path, own_database)
    manage(env, "generate_dataset", "--scale", "tiny")
    posts_before = _snapshot(env).split()[1]
    figures = tmp_path / "figures.json"
    out = manage(
        env, "benchmark", "--scale", "tiny", "--short", "--only", "concurrency", "--json", str(figures), timeout=600
    ).stdout

    result = json.loads(figures.read_text())
    assert [f["scenario"] for f in result["figures"]] == ["concurrency.writes", "concurrency.writes_during_import"]
    for fig in result["figures"]:
        d = fig["detail"]
        assert fig["scenario"] in out and "audited writes/s" in fig["note"]
        assert (d["writers"], d["taps"], d["edits"]) == (8, 4, 4)
        assert d["ok"] > 0 and d["writes"] == fig["runs"] >= d["ok"]
        assert d["errors"]["5xx"] == 0 and d["errors"]["other"] == 0, d["problems"]
        assert d["deadlocks"] in (None, 0)
        # Every write answered as saved left exactly one event, and no refused write left one.
        assert d["events"] == d["saved"] >= d["ok"] and d["lost"] == 0 and d["extra"] == 0
        assert d["chain_verified"] and d["chain_events"] > d["saved"]
        assert d["not_restored"] == []
    assert result["figures"][1]["detail"]["import_seconds"] > 0

    _marker, posts_after, *states = _snapshot(env).split(maxsplit=2)
    assert posts_after == posts_before  # every post changed was put back
    assert states == ["[('absent', '')]"]  # and every row tapped is as the meeting was planned
