"""The demo and benchmark apps are installed only when DANGJIAN_DEMO asks for them (issue 13).

The production settings are read in a fresh process, as a deployment would: the test settings
set the flag for the suite itself.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DEMO_APPS = ("dangjian.demo", "dangjian.scale")


def production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DANGJIAN_DEMO", "DJANGO_SETTINGS_MODULE", "DEBUG")}
    env.update(
        DJANGO_SETTINGS_MODULE="dangjian.settings",
        DEBUG="0",
        SECRET_KEY="production-like-secret-key-for-this-test-only-0123456789abcdef",
        FIELD_ENCRYPTION_KEY="dGVzdC1vbmx5LWtleS0zMi1ieXRlcy1sb25nLi4uLi4=",
        ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DANGJIAN_VAR_DIR=str(tmp_path / "var"),
        **extra,
    )
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)


def installed_apps(env: dict[str, str]) -> list[str]:
    code = "import django; django.setup(); from django.conf import settings; print('\\n'.join(settings.INSTALLED_APPS))"
    done = run(["-c", code], env)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize("flag", [None, "0"])
def test_production_settings_without_the_flag_install_neither_app(tmp_path, flag):
    env = production_env(tmp_path, **({"DANGJIAN_DEMO": flag} if flag is not None else {}))
    apps = installed_apps(env)
    assert "dangjian.backups" in apps
    assert not set(DEMO_APPS) & set(apps)
    done = run(["manage.py", "help", "load_demo"], env)
    assert done.returncode != 0
    assert "Unknown command: 'load_demo'" in done.stderr


def test_the_flag_installs_both_apps_and_their_commands(tmp_path):
    env = production_env(tmp_path, DANGJIAN_DEMO="1")
    apps = installed_apps(env)
    assert set(DEMO_APPS) <= set(apps)
    for command in ("load_demo", "generate_dataset", "benchmark"):
        done = run(["manage.py", "help", command], env)
        assert done.returncode == 0, done.stderr
