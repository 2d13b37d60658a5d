"""Running `manage.py` in a process of its own, as an operator or a worker would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict[str, str], *args: str, **kw: Any) -> subprocess.CompletedProcess:
    """`manage.py *args` with `env`, from the project's root; fails on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True, **kw
    )
