"""Reading sheets of login codes and a person's login state."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from dangjian.access.models import RoleAssignment

from .models import Activation, LoginSheet

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.people.models import Person


def sheets_of(user: User) -> QuerySet[LoginSheet]:
    """The sheets the user gave, newest first, with how many of their codes were used."""
    return LoginSheet.objects.filter(issued_by=user).annotate(
        n=Count("codes"), used=Count("codes", filter=Q(codes__used_at__isnull=False))
    )


def sheet_of(user: User, pk: int) -> LoginSheet | None:
    """A sheet the user gave (a sheet holds codes: nobody else learns it exists)."""
    return LoginSheet.objects.filter(pk=pk, issued_by=user).first()


def codes_on(sheet: LoginSheet) -> list[Activation]:
    return list(
        sheet.codes.select_related("user__person__employer").defer("code_sealed").order_by("user__person__name", "pk")
    )


def newest_code(person: Person) -> Activation | None:
    """The newest code given to the person's login, if any."""
    return Activation.objects.filter(user__person=person).defer("code_sealed").order_by("-created_at", "-pk").first()


def people_with_open_codes(person_ids: Iterable[int], limit: int) -> set[int]:
    """Those of these people whose login holds a code that still works (not used, withdrawn,
    expired or locked after `limit` wrong tries, nor refused because its login has taken up a
    role since: services._refusal): a sheet handed out and not yet used."""
    role_since = RoleAssignment.objects.filter(user=OuterRef("user"), created_at__gt=OuterRef("created_at"))
    return set(
        Activation.objects.filter(
            user__person_id__in=list(person_ids),
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            failures__lt=limit,
            user__is_staff=False,
            user__is_superuser=False,
        )
        .exclude(Exists(role_since))
        .values_list("user__person_id", flat=True)
    )


def state_of(activation: Activation, limit: int) -> str:
    """used, withdrawn, expired, locked or open."""
    if activation.used_at is not None:
        return "used"
    if activation.revoked_at is not None:
        return "withdrawn"
    if activation.expires_at <= timezone.now():
        return "expired"
    if activation.failures >= limit:
        return "locked"
    return "open"


def code_given_by(user: User, pk: int) -> Activation | None:
    return Activation.objects.filter(pk=pk, sheet__issued_by=user).defer("code_sealed").first()
