"""The printed sheet of login codes: eight cards to an A4 page, each with the person's name and
employer, their login name, their code in large type, a QR code that opens the activation page
with the code filled in, the date it expires and the three steps. Cut along the lines and hand
each person their own card. Printed in the giver's language through the one PDF renderer."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlencode

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from dangjian.access.permissions import login_people
from dangjian.jobs.services import Output, record_export
from dangjian.pdf import render_many
from dangjian.people.selectors import people_with_pks

from . import services
from .models import Activation, LoginSheet

PER_PAGE = 8
PDF = "application/pdf"


@dataclass(frozen=True)
class Card:
    name: str
    employer: str
    username: str
    code: str  # as printed, ABCDE-FGHJK
    url: str
    qr_svg: str
    reset: bool


def activation_url(base_url: str, code: str) -> str:
    return base_url.rstrip("/") + "/activate/?" + urlencode({"code": services.shown(code)})


def cards(activations: list[Activation], base_url: str) -> list[Card]:
    result = []
    for a in activations:
        person = a.user.person
        url = activation_url(base_url, a.code_sealed)
        result.append(
            Card(
                name=person.name if person is not None else a.user.get_username(),
                employer=person.employer.name if person is not None and person.employer is not None else "",
                username=a.user.get_username(),
                code=services.shown(a.code_sealed),
                url=url,
                qr_svg=segno.make(url, error="m").svg_inline(scale=3, border=1, dark="#000", light="#fff"),
                reset=a.purpose == Activation.Purpose.RESET,
            )
        )
    return result


def _pages(all_cards: list[Card], sheet: LoginSheet, base_url: str) -> Iterator[str]:
    expires = timezone.localtime(sheet.expires_at)
    for start in range(0, len(all_cards), PER_PAGE):
        yield render_to_string(
            "accounts/print/sheet.html",
            {
                "cards": all_cards[start : start + PER_PAGE],
                "expires": expires,
                "activate_at": base_url.rstrip("/") + "/activate/",
            },
        )


def print_sheet(
    *,
    actor,
    sheet: LoginSheet,
    base_url: str,
    progress: Callable[[int, int], None] | None = None,
    job_id: int | None = None,
) -> tuple[bytes, str, int]:
    """The PDF of the sheet's codes that still work, its file name and how many cards. The
    caller checked the actor gave the sheet. Recorded as an export (the cards name people)."""
    activations = list(
        services.open_codes(sheet).select_related("user__person__employer").order_by("user__person__name", "pk")
    )
    # Only the people still in the giver's reach (a role taken back narrows the sheet).
    reach = set(
        login_people(actor, people_with_pks([a.user.person_id for a in activations if a.user.person_id])).values_list(
            "pk", flat=True
        )
    )
    activations = [a for a in activations if a.user.person_id in reach]
    if not activations:
        raise ValueError(_("No code on this sheet still works: they were used, withdrawn or have expired."))
    all_cards = cards(activations, base_url)
    total = len(all_cards)
    pages = (total + PER_PAGE - 1) // PER_PAGE
    if progress:
        progress(0, total)
    data = render_many(
        _pages(all_cards, sheet, base_url),
        progress=(lambda done: progress(min(total, done * PER_PAGE), total)) if progress else None,
    )
    name = f"{_('Login codes')}-{timezone.localdate(sheet.created_at).isoformat()}-{sheet.pk}.pdf"
    output = Output.of(name, data, PDF) if job_id is not None else None
    record_export(
        actor=actor,
        object_type="accounts.LoginSheet",
        object_id=sheet.pk,
        name=name,
        changes={"cards": total, "pages": pages, "users": [a.user_id for a in activations]},
        org_path="",
        job_id=job_id,
        output=output,
    )
    return data, name, total
