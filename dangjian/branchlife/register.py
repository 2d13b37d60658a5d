"""The meeting register (会议台账): the filtered list of meetings the list page shows, the API
lists and the Excel file holds — one sheet of meetings, one of attendance — through the same
scopes, so the three can never disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.ids import parse_id, parse_whole
from dangjian.organizations.selectors import orgs_under
from dangjian.sheets import Col, Workbook, download_name, labelled, titled
from dangjian.text import search_text

from . import selectors
from .models import Attendance, Meeting, MeetingKind

if TYPE_CHECKING:
    from dangjian.access.models import User

STEM = gettext_lazy("Meeting register")


def filtered(user: User, params: Any) -> tuple[QuerySet[Meeting], dict[str, Any]]:
    """The user's meetings narrowed by ?org, ?kind, ?status, ?year and ?q. An organisation
    outside the user's reach narrows to nothing rather than widening."""
    qs = selectors.visible_meetings(user)
    filters: dict[str, Any] = {}
    org_pk = parse_id(params.get("org"))
    if org_pk is not None:
        org = selectors.calendar_orgs(user).filter(pk=org_pk).first()
        filters["org"] = org
        qs = qs.filter(organization__in_ids=orgs_under(org.path)) if org else qs.none()
    kind = params.get("kind", "")
    if kind in MeetingKind.values:
        filters["kind"] = kind
        qs = qs.filter(kind=kind)
    status = params.get("status", "")
    if status in Meeting.Status.values:
        filters["status"] = status
        qs = qs.filter(status=status)
    year = parse_whole(params.get("year"), 2000, 2100)
    if year is not None:
        filters["year"] = year
        qs = qs.filter(held_on__year=year)
    text = search_text(params.get("q"), limit=100)
    if text:
        filters["q"] = text
        qs = qs.filter(topic__icontains=text)
    return qs.order_by("-held_on", "-pk"), filters


def meeting_columns() -> list[Col]:
    return labelled(
        [
            (_("date"), 11),
            (_("time"), 7),
            (_("party organisation"), 22),
            (_("kind"), 16),
            (_("status"), 8),
            (_("topic"), 30),
            (_("place"), 16),
            (_("host"), 10),
            (_("recorder"), 10),
            (_("members expected"), 9),
            (_("present"), 8),
            (_("on leave"), 8),
            (_("absent"), 8),
            (_("invited non-members"), 9),
            (_("non-members present"), 9),
            (_("quorate"), 8),
            (_("hours"), 7),
            (_("materials"), 24),
            (_("minutes"), 40),
        ]
    )


def attendance_columns() -> list[Col]:
    return labelled(
        [
            (_("date"), 11),
            (_("party organisation"), 22),
            (_("kind"), 16),
            (_("topic"), 30),
            (_("name"), 12),
            (_("member or invited"), 12),
            (_("attendance"), 9),
            (_("reason for leave"), 20),
            (_("checked in at"), 16),
        ]
    )


def _meeting_rows(qs: QuerySet[Meeting]) -> Iterator[list[Any]]:
    qs = qs.select_related("organization", "host", "recorder")
    for chunk in _chunks(qs):
        counts = selectors.tallies(chunk)
        for m in chunk:
            t = counts[m.pk]
            held = m.status == Meeting.Status.HELD  # who came is known only for a meeting held
            yield [
                m.held_on,
                m.starts_at.strftime("%H:%M") if m.starts_at else "",
                m.organization.display_name,
                m.get_kind_display(),
                m.get_status_display(),
                m.topic,
                m.place,
                m.host.name if m.host else "",
                m.recorder.name if m.recorder else "",
                t.expected,
                t.present if held else None,
                t.leave if held else None,
                t.absent if held else None,
                t.invited,
                t.invited_present if held else None,
                (_("yes") if m.quorate else _("no")) if held else None,
                float(m.hours) if m.hours is not None else None,
                m.materials,
                m.minutes,
            ]


def _attendance_rows(qs: QuerySet[Meeting]) -> Iterator[list[Any]]:
    rows = (
        # Who came is known of a meeting held; a planned or cancelled one's list is no record.
        Attendance.objects.filter(meeting__in=qs.filter(status=Meeting.Status.HELD).values("pk"))
        .select_related("meeting__organization", "person")
        .order_by("-meeting__held_on", "-meeting_id", "invited", "person__name", "pk")
    )
    member, invited = _("member"), _("invited non-member")
    for a in rows.iterator(chunk_size=2000):
        m = a.meeting
        yield [
            m.held_on,
            m.organization.display_name,
            m.get_kind_display(),
            m.topic,
            a.person.name,
            invited if a.invited else member,
            a.get_state_display(),
            a.reason,
            timezone.localtime(a.checked_in_at).strftime("%Y-%m-%d %H:%M") if a.checked_in_at else "",
        ]


def _chunks(qs: QuerySet[Meeting], size: int = 500) -> Iterator[list[Meeting]]:
    chunk: list[Meeting] = []
    for m in qs.iterator(chunk_size=size):
        chunk.append(m)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def size(qs: QuerySet[Meeting]) -> int:
    """Rows the file will hold: the meetings and the attendance of the held ones."""
    held = qs.filter(status=Meeting.Status.HELD).values("pk")
    return qs.count() + Attendance.objects.filter(meeting__in=held).count()


def workbook(
    qs: QuerySet[Meeting], filters: dict[str, Any], progress: Callable[[int], None] | None = None
) -> tuple[bytes, str, int, int]:
    """The register as .xlsx: (bytes, file name, meetings, attendance rows). `progress(rows)` is
    told every thousand rows written (a job's progress bar)."""
    book = Workbook()
    org = filters.get("org")
    title = titled(STEM, org.display_name if org else None, filters.get("year"))
    meetings = book.table(_("Meetings"), meeting_columns(), _meeting_rows(qs), title=title, progress=progress)
    done = (lambda n: progress(meetings + n)) if progress is not None else None
    rows = book.table(_("Attendance"), attendance_columns(), _attendance_rows(qs), title=title, progress=done)
    return book.close(), download_name(str(STEM), timezone.localdate()), meetings, rows
