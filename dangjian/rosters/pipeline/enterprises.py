"""PLACEHOLDER: being written (issue 21)."""

from __future__ import annotations

from typing import Any


def checked(imp: Any, roster: Any, progress: Any = None) -> Any:
    raise NotImplementedError


def write(imp: Any, roster: Any, *, actor: Any) -> Any:
    raise NotImplementedError


def template_bytes() -> bytes:
    raise NotImplementedError


def template_name() -> str:
    raise NotImplementedError
