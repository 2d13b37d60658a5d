"""Sessions in the database, whose page-state writes give way to a busy database (SESSION_ENGINE).

Sessions stay in the database on purpose: the server holds each one, so logging out deletes it
and a stolen cookie is dead at once (signed-cookie sessions would stay valid until they expire);
and unlike the cache (a file cache culls its oldest entries, memcached evicts) a session is never
lost to a full cache. A password change (the session's password hash) and an account made
inactive end other sessions whatever the engine.

One kind of session write is bookkeeping, not what the person asked for: an update to a session
that already exists and signs in the same user as when it was read — page state, such as a
message carried to the next page when it does not fit in its cookie. That write waits only a
moment for a busy database and is skipped if it is still busy (`dangjian.busy.write_if_free`):
the page still answers, and loses the state. Every other session write is never skipped, since
skipping it would sign someone in or out wrongly: creating a session (a login), changing whom it
signs in (a login, a password change) and deleting it (logging out) wait like any write, and if
the database stays busy the request answers 503 "try again" (access.middleware).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends import db

from dangjian.busy import write_if_free

SIGN_IN_KEYS = (SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY)


def _sign_in(data: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(data.get(key) for key in SIGN_IN_KEYS)


class SessionStore(db.SessionStore):
    _stored_sign_in: tuple[Any, ...] | None = None  # whom the session's row signs in, as last read or written

    def load(self) -> dict[str, Any]:
        data = super().load()
        self._stored_sign_in = _sign_in(data) if self.session_key else None
        return data

    def save(self, must_create: bool = False) -> None:
        current = getattr(self, "_session_cache", None)
        page_state_only = (
            not must_create
            and self.session_key is not None
            and self._stored_sign_in is not None
            and current is not None
            and _sign_in(current) == self._stored_sign_in
        )
        if not page_state_only:
            super().save(must_create=must_create)
            if current is not None:
                self._stored_sign_in = _sign_in(current)
            return
        write_if_free(partial(super().save, must_create=False), what="a session's page state")
