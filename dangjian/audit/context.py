"""Who is writing, from where: set once per request, API call, admin action or command."""

from __future__ import annotations

import contextlib
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class AuditContext:
    source: str = "system"
    ip: str | None = None


# AuditContext is a frozen dataclass, so sharing one default instance is safe.
_current: ContextVar[AuditContext] = ContextVar("audit_context", default=AuditContext())  # noqa: B039


def current() -> AuditContext:
    return _current.get()


@contextlib.contextmanager
def audit_source(source: str, ip: str | None = None) -> Any:
    token = _current.set(AuditContext(source=source, ip=ip))
    try:
        yield
    finally:
        _current.reset(token)
