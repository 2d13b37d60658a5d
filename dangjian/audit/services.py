"""Writing audit events. Every service that changes data calls `record` inside its transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import hashlib
import json
import threading
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .context import current
from .models import Action, AuditEvent, ChainHead

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from dangjian.access.models import User

P = ParamSpec("P")
R = TypeVar("R")
M = TypeVar("M", bound=models.Model)

GENESIS = "0" * 64
REDACTED = "***"


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | float):
        return str(value)
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


def snapshot(obj: models.Model) -> dict[str, Any]:
    """The concrete field values of a row, keyed by attname, JSON-ready."""
    data = {}
    for field in obj._meta.concrete_fields:
        if field.name in {"created_at", "updated_at"} or field.attname.endswith("_index"):
            continue
        data[field.attname] = _jsonable(field.value_from_object(obj))
    return data


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None, sensitive: tuple[str, ...] = ()
) -> dict[str, Any]:
    before, after = before or {}, after or {}
    changes: dict[str, Any] = {}
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key in sensitive:
            old = REDACTED if old else old
            new = REDACTED if new else new
        changes[key] = [old, new]
    return changes


def canonical(event: AuditEvent) -> str:
    payload = {
        "at": event.at.astimezone(dt.UTC).isoformat(),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "source": event.source,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "changes": event.changes,
        "org_path": event.org_path,
        "ip": event.ip,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(canonical(event).encode("utf-8")).hexdigest()


# Writing services nest (an import calls create_person for every row): the outermost one takes the
# chain's lock and moves the head once, when its work is done. Moving it on every event rewrote
# the one ChainHead row 100,000 times in an import's transaction, and on PostgreSQL every later
# lock of that row walked all the versions left behind (docs/benchmarks.md).
_nesting = threading.local()


def _depth() -> int:
    return getattr(_nesting, "depth", 0)


def _lock_head() -> ChainHead:
    return ChainHead.objects.select_for_update().get_or_create(pk=1, defaults={"last_hash": GENESIS})[0]


def _tail(head: ChainHead) -> tuple[int, str]:
    """Where the next event links to: the newest event written since the head last moved (inside a
    writing service, the head trails its events), else the head itself. Never an older event: if
    the newest events were deleted, the next one still links to the head's hash and the break
    stays visible to verify_audit."""
    last = AuditEvent.objects.filter(pk__gt=head.last_event_id).order_by("-pk").values_list("pk", "hash").first()
    return last if last is not None else (head.last_event_id, head.last_hash)


def write_transaction(func: Callable[P, R]) -> Callable[P, R]:
    """Decorator for every service that writes: one transaction that takes the audit chain's lock
    *first*. Each audited write appends to the one chain anyway, so taking its lock up front
    costs no concurrency and gives every writer the same lock order (no deadlocks on
    PostgreSQL between row locks and the chain head)."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = _depth()
        with transaction.atomic():
            if depth == 0:
                _nesting.head = _lock_head()
                _nesting.recorded = False
            _nesting.depth = depth + 1
            try:
                result = func(*args, **kwargs)
            finally:
                _nesting.depth = depth
            if depth == 0 and _nesting.recorded:
                pk, last_hash = _tail(_nesting.head)
                ChainHead.objects.filter(pk=1).update(last_hash=last_hash, last_event_id=pk)
            return result

    return wrapper


def org_path_of(obj: models.Model | None) -> str:
    getter = getattr(obj, "audit_org_path", None)
    return getter() if callable(getter) else ""


def _append(actor: User | AnonymousUser | None, drafts: list[Draft]) -> list[AuditEvent]:
    """Write `drafts` as the chain's next events, in order."""
    with transaction.atomic():
        ctx, named, at = current(), _named(actor), timezone.now()
        inside = _depth() > 0  # a writing service holds the lock and moves the head when it is done
        head = _nesting.head if inside else _lock_head()
        _prev_pk, prev_hash = _tail(head)
        events = []
        for draft in drafts:
            event = _event(named, ctx, draft, at)
            event.prev_hash = prev_hash
            event.hash = prev_hash = compute_hash(event)
            events.append(event)
        AuditEvent.objects.bulk_create(events)
        if inside:
            _nesting.recorded = True
        elif events:
            ChainHead.objects.filter(pk=1).update(last_hash=events[-1].hash, last_event_id=events[-1].pk)
        return events


@dataclass(frozen=True)
class Draft:
    """One event to record, before it is written: what `record` takes as keywords, for
    `record_many`. `create_draft` and `update_draft` make the usual ones."""

    action: str
    obj: models.Model | None = None
    object_type: str | None = None
    object_id: Any = ""
    object_repr: str | None = None
    changes: dict[str, Any] | None = None
    org_path: str | None = None


def _event(named: User | None, ctx: Any, draft: Draft, at: dt.datetime) -> AuditEvent:
    obj = draft.obj
    object_repr = draft.object_repr if draft.object_repr is not None else str(obj) if obj is not None else ""
    return AuditEvent(
        at=at,
        actor_id=named.pk if named is not None else None,
        actor_name=named.get_username() if named is not None else "",
        source=ctx.source,
        action=draft.action,
        object_type=draft.object_type or (obj._meta.label if obj is not None else ""),
        object_id=str(obj.pk if obj is not None and not draft.object_id else draft.object_id or ""),
        object_repr=object_repr[:200],
        changes=draft.changes or {},
        org_path=draft.org_path if draft.org_path is not None else org_path_of(obj),
        ip=ctx.ip,
    )


def _named(actor: User | AnonymousUser | None) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


@transaction.atomic
def record(
    *,
    actor: User | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str | None = None,
    object_id: Any = "",
    object_repr: str | None = None,
    changes: dict[str, Any] | None = None,
    org_path: str | None = None,
) -> AuditEvent:
    draft = Draft(action, obj, object_type, object_id, object_repr, changes, org_path)
    return _append(actor, [draft])[0]


def record_many(*, actor: User | AnonymousUser | None, drafts: Iterable[Draft], batch_size: int = 2000) -> int:
    """Record many events in a few statements (a roster import's records): the same events, in
    the same order, as calling `record` for each draft. Returns how many were written."""
    written = 0
    batch: list[Draft] = []
    with transaction.atomic():
        for draft in drafts:
            batch.append(draft)
            if len(batch) >= batch_size:
                written += len(_append(actor, batch))
                batch = []
        if batch:
            written += len(_append(actor, batch))
    return written


def create_draft(obj: models.Model) -> Draft:
    sensitive = getattr(obj, "SENSITIVE_FIELDS", ())
    return Draft(Action.CREATE, obj, changes=diff(None, snapshot(obj), sensitive))


def update_draft(obj: models.Model, before: dict[str, Any]) -> Draft | None:
    """The update event of a row changed since `before` (its snapshot), or None if nothing changed."""
    sensitive = getattr(obj, "SENSITIVE_FIELDS", ())
    changes = diff(before, snapshot(obj), sensitive)
    return Draft(Action.UPDATE, obj, changes=changes) if changes else None


def record_create(actor: User | AnonymousUser | None, obj: models.Model) -> AuditEvent:
    return _append(actor, [create_draft(obj)])[0]


def record_update(actor: User | AnonymousUser | None, obj: models.Model, before: dict[str, Any]) -> AuditEvent | None:
    draft = update_draft(obj, before)
    return _append(actor, [draft])[0] if draft is not None else None


def save_and_record(
    actor: User | AnonymousUser | None, obj: models.Model, before: dict[str, Any], *, created: bool
) -> None:
    """Save a row that `get_or_create` may have just made and record it: a new row is one creation
    event with its final values (not an empty creation and an update), an existing one an update
    with what changed."""
    obj.save()
    if created:
        record_create(actor, obj)
    else:
        record_update(actor, obj, before)


def record_delete(
    actor: User | AnonymousUser | None, obj: models.Model, before: dict[str, Any], pk: Any, org_path: str
) -> AuditEvent:
    sensitive = getattr(obj, "SENSITIVE_FIELDS", ())
    return record(
        actor=actor,
        action=Action.DELETE,
        obj=obj,
        object_id=pk,
        changes=diff(before, None, sensitive),
        org_path=org_path,
    )


def _stored_values(obj: models.Model) -> dict[str, Any]:
    return {field.name: field.value_from_object(obj) for field in obj._meta.concrete_fields}


@write_transaction
def update_model(
    *,
    actor: User | None,
    instance: M,
    data: Mapping[str, Any],
    fields: Collection[str] | None = None,
    clean: bool | Callable[[M], None] = True,
) -> tuple[M, bool]:
    """The one way an update service changes a row: snapshot → set fields → validate → save →
    record (HackSoft's `model_update`, audited).

    - `data` maps field names to new values; only the names in `fields` are applied (None: every
      key of `data`), anything else in `data` is ignored, so a service can hand over a form's or
      an API's whole payload.
    - `clean`: True runs `instance.full_clean()`; a callable is the service's own validation
      (it may normalise values and raises ValidationError keyed by field); False skips it.
      Nothing is written if it raises.
    - Only the columns whose values changed are saved (plus `auto_now` ones, e.g. updated_at);
      when nothing changed nothing is written and no event is recorded.
    - Returns (instance, changed). `actor` is the user the audit event names (None: the system).
    Runs in the caller's write transaction (or its own)."""
    before = snapshot(instance)
    stored = _stored_values(instance)
    for name, value in data.items():
        if fields is None or name in fields:
            setattr(instance, name, value)
    if callable(clean):
        clean(instance)
    elif clean:
        instance.full_clean()
    after = _stored_values(instance)
    changed = [name for name in after if after[name] != stored[name]]
    if not changed:
        return instance, False
    auto_now = [f.name for f in instance._meta.concrete_fields if getattr(f, "auto_now", False)]
    instance.save(update_fields=[*changed, *(n for n in auto_now if n not in changed)])
    record_update(actor, instance, before)
    return instance, True


def verify_chain(batch: int = 5000, progress: Any = None) -> tuple[int, AuditEvent | None, str]:
    """Walk the chain in order. Returns (events checked, first bad event or None, reason)."""
    prev = GENESIS
    checked = 0
    last_id = 0
    while True:
        rows = list(AuditEvent.objects.filter(id__gt=last_id).order_by("id")[:batch])
        if not rows:
            break
        for event in rows:
            if event.prev_hash != prev:
                return (
                    checked,
                    event,
                    _("its link to the event before it is broken (an event was removed, inserted or changed)"),
                )
            if compute_hash(event) != event.hash:
                return checked, event, _("its contents do not match its hash (it was changed after it was written)")
            prev = event.hash
            checked += 1
            last_id = event.id
        if progress is not None:
            progress(checked)
    head = ChainHead.objects.filter(pk=1).first()
    if head and head.last_hash != prev:
        return checked, None, _("the newest events are missing (the chain head does not match the last event)")
    return checked, None, ""
