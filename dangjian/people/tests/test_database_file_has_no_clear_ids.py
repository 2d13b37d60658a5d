"""The embedded database file, read byte by byte, holds no ID number or phone in clear."""

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection

CHILD = r"""
import json, datetime as dt, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from dangjian.organizations import services as orgs
from dangjian.people import services as people
from dangjian.testing.factories import EnterpriseFactory, make_id_number
county = orgs.create_organization(actor=None, kind="county", name="和静县委", parent=None)
ent = EnterpriseFactory(supervising_org=county)
out = []
for i in range(20):
    number = make_id_number(dt.date(1980, 1, 1) + dt.timedelta(days=97 * i), "MF"[i % 2], i)
    p = people.create_person(actor=None, name=f"员工{i}", ethnicity="05", id_number=number, phone=f"1390991{i:04d}", employer=ent)
    out.append([p.name, number, p.phone])
print(json.dumps(out))
"""


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the embedded database is SQLite")
def test_sqlite_file_bytes_contain_no_clear_id_number_or_phone(tmp_path):
    db_file = tmp_path / "dangjian.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db_file}", "DJANGO_SETTINGS_MODULE": "dangjian.test_settings"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD], env=env, cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    people = json.loads(result.stdout.strip().splitlines()[-1])
    raw = db_file.read_bytes()
    for extra in ("-wal", "-journal"):
        if (tmp_path / f"dangjian.sqlite3{extra}").exists():
            raw += (tmp_path / f"dangjian.sqlite3{extra}").read_bytes()
    assert len(people) == 20
    for name, number, phone in people:
        assert name.encode() in raw  # the file really holds the people
        assert number.encode() not in raw and number[:17].encode() not in raw, name
        assert phone.encode() not in raw, name
