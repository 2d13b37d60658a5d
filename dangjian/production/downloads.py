"""Excel downloads of the production lists: a branch's (or a committee's) coverage of its teams,
its pairings, its posts (the county's registry) and its trainees with their assessments.

Each list is the one the page shows, through the same scopes: the organisation is one of
selectors.page_orgs (another is 404, as on the page), the rows are the user's visible records
under it, a trainee's result only where the user may read the course's assessments
(permissions.may_see_assessments; else their own row). An enterprise's managers get coverage,
posts and training, never pairings (a party record of individuals: 403). Every file is a POST,
as every download that writes an audit event is, and leaves one EXPORT event naming it
(jobs.services.record_export). The lists are one organisation's, so they are written at once.

production/urls.py mounts `URLS` (names download_coverage, download_pairings, download_posts,
download_trainees in the "production" namespace); each takes ?org=<id>, the posts also ?status
and ?kind as the registry page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth.decorators import login_required
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dangjian.access import permissions
from dangjian.access.scopes import COURSE, PAIRING, POST, TEAM_CHARGE, VIEW
from dangjian.ids import parse_id
from dangjian.jobs.services import record_export
from dangjian.organizations.models import Organization
from dangjian.sheets import Col, Workbook, download_name, labelled, titled
from dangjian.ui.downloads import attachment

from . import selectors
from .models import Pairing, PairingNote, Post, PostKind, PostStatus, Trainee

if TYPE_CHECKING:
    from dangjian.access.models import User

COVERAGE = gettext_lazy("Teams in charge")
PAIRINGS = gettext_lazy("Pairings")
POSTS = gettext_lazy("Post registry")
TRAINEES = gettext_lazy("Trainees")

Built = tuple[bytes, str, int]  # the file, its name, the rows written


# --- what each list holds ---------------------------------------------------------------------------


def chosen_org(user: User, raw: Any) -> Organization | None:
    """The organisation named by `raw` among those whose production page the user may open
    (Http404 for any other, as on the page), or the one the page opens on."""
    pk = parse_id(raw)
    if pk is None:
        return selectors.default_org(user)
    org = selectors.page_orgs(user).filter(pk=pk).first()
    if org is None:
        raise Http404
    return org


def pairings_under(user: User, org: Organization) -> QuerySet[Pairing]:
    """The user's visible pairings kept by `org` or below (the branch page's), with their
    employees, latest note's date (`last_note_on`) and text (`last_note`)."""
    last = PairingNote.objects.filter(pairing_id=OuterRef("pk")).order_by("-written_on", "-id").values("text")[:1]
    qs = selectors.visible_pairings(user).filter(organization__path__startswith=org.path)
    return selectors.with_partners(qs).annotate(last_note=Subquery(last)).order_by("member__name", "-started_on", "pk")


def posts_under(user: User, org: Organization, params: Any = None) -> QuerySet[Post]:
    """The registry the posts page lists: the user's visible posts of the enterprises `org`
    keeps or oversees, narrowed by ?status and ?kind as there."""
    qs = selectors.post_registry(user, org).select_related("recognised_by", "unit__parent")
    params = params or {}
    if params.get("status", "") in PostStatus.values:
        qs = qs.filter(status=params["status"])
    if params.get("kind", "") in PostKind.values:
        qs = qs.filter(kind=params["kind"])
    return qs


def trainees_under(user: User, org: Organization) -> QuerySet[Trainee]:
    """The trainees of the user's visible courses kept by `org` or below: every trainee of a
    course whose assessments the user may read, else only the user's own row."""
    courses = list(selectors.visible_courses(user).filter(organization__path__startswith=org.path))
    every = {c.pk for c in courses if permissions.may_see_assessments(user, c)}
    own = [c.pk for c in courses if c.pk not in every]
    person_id = getattr(user, "person_id", None)
    where = Q(course_id__in=every)
    if own and person_id is not None:
        where |= Q(course_id__in=own, person_id=person_id)
    return (
        Trainee.objects.filter(where)
        .select_related("course__trainer", "person")
        .order_by("-course__starts_on", "course_id", "person__name", "pk")
    )


# --- the workbooks ----------------------------------------------------------------------------------


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _unit_name(unit: Any) -> str:
    if unit is None:
        return ""
    return f"{unit.parent.display_name} · {unit.display_name}" if unit.parent is not None else unit.display_name


def coverage_workbook(org: Organization, today: Any = None, user: Any = None) -> Built:
    """Every team of the enterprises `org` keeps (of those `user` reads), covered or not, with its
    member and since when."""
    today = today or timezone.localdate()
    cov = selectors.coverage(org, today, user)
    columns = labelled(
        [
            (_("enterprise"), 22),
            (_("workshop"), 16),
            (_("production team"), 16),
            (_("covered"), 8),
            (_("responsible member"), 12),
            (_("party group"), 16),
            (_("covered since"), 11),
            (_("member who left"), 12),
        ]
    )

    def rows() -> Iterator[list[Any]]:
        for r in cov.rows:
            c = r.charge
            yield [
                r.team.enterprise.display_name,
                r.team.parent.display_name if r.team.parent is not None else "",
                r.team.display_name,
                _yes_no(c is not None),
                c.member.name if c is not None else "",
                c.group.display_name if c is not None and c.group is not None else "",
                r.covered_since,
                r.lapsed.member.name if r.lapsed is not None else "",
            ]

    summary = _("%(covered)d of %(total)d teams covered") % {"covered": cov.covered, "total": cov.total}
    return _one(COVERAGE, columns, rows(), titled(COVERAGE, org.display_name, today.isoformat(), summary), today)


def pairings_workbook(qs: QuerySet[Pairing], org: Organization) -> Built:
    columns = labelled(
        [
            (_("party organisation"), 20),
            (_("member"), 12),
            (_("paired employees"), 24),
            (_("purposes"), 24),
            (_("from"), 11),
            (_("until"), 11),
            (_("why it ended"), 20),
            (_("last note on"), 11),
            (_("last note"), 40),
        ]
    )

    def rows() -> Iterator[list[Any]]:
        for p in qs:
            yield [
                p.organization.display_name,
                p.member.name,
                "、".join(partner.person.name for partner in p.partners.all()),
                "、".join(p.purpose_labels),
                p.started_on,
                p.ended_on,
                p.end_reason,
                getattr(p, "last_note_on", None),
                getattr(p, "last_note", None) or "",
            ]

    return _one(PAIRINGS, columns, rows(), titled(PAIRINGS, org.display_name))


def posts_workbook(qs: QuerySet[Post], org: Organization) -> Built:
    columns = labelled(
        [
            (_("enterprise"), 22),
            (_("kind"), 22),
            (_("title"), 20),
            (_("workshop or team"), 20),
            (_("line or place"), 14),
            (_("holder"), 12),
            (_("status"), 12),
            (_("recognised on"), 11),
            (_("recognised by"), 16),
            (_("from"), 11),
            (_("until"), 11),
            (_("public commitment"), 40),
        ]
    )

    def rows() -> Iterator[list[Any]]:
        for p in qs:
            yield [
                p.enterprise.display_name,
                p.get_kind_display(),
                p.title,
                _unit_name(p.unit),
                p.line,
                p.holder.name,
                p.get_status_display(),
                p.recognised_on,
                p.recognised_by.display_name if p.recognised_by is not None else "",
                p.started_on,
                p.ended_on,
                p.commitment,
            ]

    return _one(POSTS, columns, rows(), titled(POSTS, org.display_name))


def trainees_workbook(qs: QuerySet[Trainee], org: Organization) -> Built:
    columns = labelled(
        [
            (_("course"), 22),
            (_("skill"), 16),
            (_("led by"), 12),
            (_("starts on"), 11),
            (_("ends on"), 11),
            (_("trainee"), 12),
            (_("assessment"), 12),
            (_("assessed on"), 11),
            (_("certificate number"), 16),
            (_("certified on"), 11),
        ]
    )

    def rows() -> Iterator[list[Any]]:
        for t in qs:
            c = t.course
            yield [
                c.title,
                c.skill,
                c.trainer.name,
                c.starts_on,
                c.ends_on,
                t.person.name,
                t.get_result_display(),
                t.assessed_on,
                t.certificate_no,
                t.certified_on,
            ]

    return _one(TRAINEES, columns, rows(), titled(TRAINEES, org.display_name))


def _one(stem: Any, columns: list[Col], rows: Iterator[list[Any]], title: str, today: Any = None) -> Built:
    book = Workbook()
    count = book.table(str(stem), columns, rows, title=title)
    return book.close(), download_name(str(stem), today or timezone.localdate()), count


def exported(*, actor: User, kind: str, name: str, rows: int, org: Organization) -> None:
    """The list left the platform as a file: one EXPORT event, filed under the organisation so
    that it and the committees above read it in their log."""
    record_export(
        actor=actor,
        object_type=f"production.{kind}",
        object_id=org.pk,
        name=name,
        changes={"rows": rows},
        org_path=org.path,
    )


# --- the views --------------------------------------------------------------------------------------


def _org_for(request: HttpRequest, resource: str) -> Organization:
    """The organisation of the download, refused (403) to a user with no role that shows
    `resource`, 404 outside their pages, and only then a POST (as the page's button sends)."""
    user = cast("User", request.user)
    if not permissions.may_see_production(user, resource):
        raise permissions.refused((resource, VIEW))
    org = chosen_org(user, request.GET.get("org") or request.POST.get("org"))
    if org is None:
        raise Http404
    return org


def _send(request: HttpRequest, kind: str, org: Organization, built: Built) -> HttpResponse:
    data, name, rows = built
    exported(actor=cast("User", request.user), kind=kind, name=name, rows=rows, org=org)
    return attachment(data, name)


@login_required
def coverage_download(request: HttpRequest) -> HttpResponse:
    org = _org_for(request, TEAM_CHARGE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return _send(request, "coverage", org, coverage_workbook(org, user=request.user))


@login_required
def pairings_download(request: HttpRequest) -> HttpResponse:
    org = _org_for(request, PAIRING)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = cast("User", request.user)
    return _send(request, "pairings", org, pairings_workbook(pairings_under(user, org), org))


@login_required
def posts_download(request: HttpRequest) -> HttpResponse:
    org = _org_for(request, POST)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = cast("User", request.user)
    return _send(request, "posts", org, posts_workbook(posts_under(user, org, request.GET), org))


@login_required
def trainees_download(request: HttpRequest) -> HttpResponse:
    org = _org_for(request, COURSE)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = cast("User", request.user)
    return _send(request, "trainees", org, trainees_workbook(trainees_under(user, org), org))


URLS = [
    path("download/coverage/", coverage_download, name="download_coverage"),
    path("download/pairings/", pairings_download, name="download_pairings"),
    path("download/posts/", posts_download, name="download_posts"),
    path("download/trainees/", trainees_download, name="download_trainees"),
]
