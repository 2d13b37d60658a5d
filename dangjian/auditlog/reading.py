"""Audit events as an organisation department reads them: what the object is, in the reader's
language; each change on a line of its own, the field by its label, choices by their labels,
records named instead of numbered, and people the reader may not see named only by a masked
name. The global log and every object's history page use this one rendering.

A page of events is read in a few queries, whatever its length: the records its changes name
are looked up once per kind (`_names`), and whether the reader may see each person named once
(`access.scopes.scope`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from django.apps import apps
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access.models import User
from dangjian.access.scopes import VIEW, scope
from dangjian.audit.models import AuditEvent

PERSON = "people.Person"
EMPTY = "—"

# Objects recorded by a name that is not a model's (exports, registers, cards, jobs …).
PSEUDO_OBJECTS: dict[str, Any] = {
    "audit.AuditSeal": gettext_lazy("Audit seal"),
    "backups.archive": gettext_lazy("Backup"),
    "birthdays.Greetings": gettext_lazy("Political birthday greetings"),
    "birthdays.card": gettext_lazy("Greeting card"),
    "birthdays.cards": gettext_lazy("Greeting cards"),
    "birthdays.cohort": gettext_lazy("Political birthday list"),
    "branchlife.register": gettext_lazy("Meeting register"),
    "branchlife.rollup": gettext_lazy("Meetings roll-up"),
    "development.ledger": gettext_lazy("Development ledger"),
    "development.pipeline": gettext_lazy("Membership development by branch"),
    "notifications.Reminders": gettext_lazy("Reminders"),
    "dataset": gettext_lazy("Generated dataset"),
}

# Details events carry beside a model's fields: their label, and what their value is.
# Kinds: "people" (person ids), "person" (a person id), "names" (names already written down),
# "filters" (an export's filters), "count", "text".
DETAILS: dict[str, tuple[Any, str]] = {
    "expected_added": (gettext_lazy("expected attendees added"), "people"),
    "expected_removed": (gettext_lazy("expected attendees removed"), "people"),
    "people": (gettext_lazy("people"), "count_or_people"),
    "person": (gettext_lazy("person"), "person"),
    "names": (gettext_lazy("names"), "names"),
    "filters": (gettext_lazy("filters"), "filters"),
    "rows": (gettext_lazy("rows"), "count"),
    "revealed": (gettext_lazy("sensitive values shown"), "count"),
    "cards": (gettext_lazy("cards"), "count"),
    "year": (gettext_lazy("year"), "text"),
    "period": (gettext_lazy("period"), "text"),
    "meetings": (gettext_lazy("meetings"), "count"),
    "attendance": (gettext_lazy("attendance"), "text"),
    "attendance_rows": (gettext_lazy("attendance rows"), "count"),
    "reason": (gettext_lazy("reason"), "text"),
    "field": (gettext_lazy("field"), "text"),
    "file": (gettext_lazy("file"), "text"),
    "size": (gettext_lazy("size (bytes)"), "count"),
    "status": (gettext_lazy("status"), "text"),
    "stopped": (gettext_lazy("stopped because"), "text"),
    "output": (gettext_lazy("output"), "text"),
    "report": (gettext_lazy("report"), "text"),
    "confirmed": (gettext_lazy("confirmed"), "text"),
    "via": (gettext_lazy("via"), "text"),
    "token": (gettext_lazy("token"), "text"),
    "locked_until": (gettext_lazy("locked until"), "text"),
    "login_lockout": (gettext_lazy("login lockout"), "text"),
    "hash": (gettext_lazy("fingerprint"), "text"),
    "printed": (gettext_lazy("printed"), "text"),
    "notified": (gettext_lazy("notified of"), "text"),
    "users": (gettext_lazy("users told"), "howmany"),
    "answer": (gettext_lazy("answer"), "text"),
    "marked_read": (gettext_lazy("marked as read"), "count"),
    "today": (gettext_lazy("day"), "text"),
    "accounts": (gettext_lazy("accounts"), "count"),
    "usernames": (gettext_lazy("usernames"), "names"),
}


@dataclass
class Line:
    label: str
    old: str | None  # None: a value, not a change from one to another
    new: str


@dataclass
class ReadableEvent:
    event: AuditEvent
    what: str  # the kind of object, in the reader's language
    lines: list[Line] = field(default_factory=list)


@lru_cache(maxsize=128)
def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


@lru_cache(maxsize=128)
def _fields(object_type: str) -> dict[str, models.Field]:
    model = _model(object_type)
    return {f.attname: f for f in model._meta.concrete_fields} if model is not None else {}


def what_of(object_type: str) -> str:
    """The kind of object an event is about, in the reader's language."""
    if object_type in PSEUDO_OBJECTS:
        return str(PSEUDO_OBJECTS[object_type])
    if object_type.startswith("exports."):
        return _("Export")
    model = _model(object_type)
    return str(capfirst(model._meta.verbose_name)) if model is not None else object_type


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _label(model: type[models.Model]) -> str:
    return str(model._meta.label)


def _wanted(events: Sequence[AuditEvent]) -> dict[str, set[int]]:
    """The records the events' changes name, by model label."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for e in events:
        fields = _fields(e.object_type)
        for key, value in (e.changes or {}).items():
            f = fields.get(key)
            if f is not None and f.is_relation and f.related_model is not None:
                related = f.related_model
                assert isinstance(related, type)
                for v in value if isinstance(value, list) else [value]:
                    wanted[_label(related)].update(_ids(v))
            elif key in DETAILS and DETAILS[key][1] in ("people", "person", "count_or_people"):
                wanted[PERSON].update(_ids(value))
    return wanted


def mask_name(name: str) -> str:
    """A name the reader may not see: its first character, the rest starred (张** for 张三丰)."""
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else "*"


def _names(user: User, wanted: dict[str, set[int]]) -> dict[tuple[str, int], str]:
    names: dict[tuple[str, int], str] = {}
    for label, ids in wanted.items():
        model = _model(label)
        if model is None or not ids:
            continue
        rows = model._default_manager.filter(pk__in=ids)
        if label == PERSON:
            visible = set(scope(user, model._default_manager.filter(pk__in=ids), VIEW).values_list("pk", flat=True))
            for pk, name in rows.values_list("pk", "name"):
                names[(label, pk)] = name if pk in visible else mask_name(name)
            continue
        for obj in rows:
            names[(label, obj.pk)] = str(obj)
    return names


def _shown(f: models.Field | None, value: Any, names: dict[tuple[str, int], str]) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if f is not None and f.is_relation and f.related_model is not None and isinstance(value, int):
        related = f.related_model
        assert isinstance(related, type)
        return names.get((_label(related), value), _("record %(id)s (deleted)") % {"id": value})
    if f is not None and f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, bool) or (f is not None and isinstance(f, models.BooleanField)):
        return _("yes") if value else _("no")
    if isinstance(value, list):
        return _("; ").join(str(v) for v in value)
    return str(value)


def _people(value: Any, names: dict[tuple[str, int], str]) -> str:
    ids = _ids(value)
    shown = [names.get((PERSON, pk), _("record %(id)s (deleted)") % {"id": pk}) for pk in ids]
    return _("; ").join(shown) if shown else EMPTY


def _detail(key: str, value: Any, names: dict[tuple[str, int], str]) -> Line:
    label, kind = DETAILS.get(key, (key.replace("_", " "), "text"))
    label = str(capfirst(str(label)))
    if isinstance(value, list) and len(value) == 2 and kind in ("text", "count") and key not in ("names", "usernames"):
        return Line(label, _shown(None, value[0], names), _shown(None, value[1], names))
    if kind == "people" or (kind == "count_or_people" and isinstance(value, list)):
        return Line(label, None, _people(value, names))
    if kind == "person":
        return Line(label, None, _people([value], names))
    if kind == "howmany":
        return Line(label, None, str(len(value)) if isinstance(value, list) else _shown(None, value, names))
    if kind == "filters":
        if not value:
            return Line(label, None, _("none: everything the reader may see"))
        parts = [f"{k.replace('_', ' ')}: {_shown(None, v, names)}" for k, v in sorted(value.items())]
        return Line(label, None, _("; ").join(parts))
    return Line(label, None, _shown(None, value, names))


def readable(events: Iterable[AuditEvent], user: User) -> list[ReadableEvent]:
    """The events as the reader reads them (see the module's docstring)."""
    events = list(events)
    names = _names(user, _wanted(events))
    out = []
    for e in events:
        fields = _fields(e.object_type)
        lines: list[Line] = []
        for key, value in (e.changes or {}).items():
            f = fields.get(key)
            if f is None:
                lines.append(_detail(key, value, names))
                continue
            label = str(capfirst(f.verbose_name))
            if isinstance(value, list) and len(value) == 2 and not isinstance(f, models.JSONField):
                lines.append(Line(label, _shown(f, value[0], names), _shown(f, value[1], names)))
            else:
                lines.append(Line(label, None, _shown(f, value, names)))
        out.append(ReadableEvent(e, what_of(e.object_type), lines))
    return out
