"""Running `manage.py` in a process of its own, as an operator or a worker would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict[str, str], *args: str, **kw: Any) -> subprocess.CompletedProcess:
    """`manage.py *args` with `env`, from the project's root; fails on a non-zero exit."""
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True, **kw
    )


def kill_once_said(proc: subprocess.Popen, word: bytes, stream: Any, seconds: float = 120) -> bytes:
    """Read `stream` (the process's stdout or stderr pipe) until the process says `word`, then
    SIGKILL it; fails the test if it never does. Returns what it said."""
    seen = b""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and word not in seen:
        chunk = os.read(stream.fileno(), 4096)
        if not chunk:
            break
        seen += chunk
    if word not in seen:
        proc.kill()
        pytest.fail(f"the process never said {word!r}: {seen[-500:]!r}")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    return seen
