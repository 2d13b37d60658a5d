"""The vote's printed matter, through the one PDF renderer (dangjian.pdf):

- ballot sheets for voters without a login: four to an A4 page, each with the voter's name and
  team (so the organiser hands each their own), the round and its categories, a QR code and the
  one-time code in text. The QR code opens the sheet page with the code after a `#`: a browser
  never sends what follows `#` to the server, so the code is in no access log; the page's
  script puts it in the form and sends it. A reprint gives a new code and voids the old sheet.
- blank paper ballots: the round, each category with its nominees and "no choice" to tick, and a
  box where the tellers write the sheet's number when they take it out of the box. The ballots
  are printed without numbers, all alike, so nobody can note which number went to whom."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import segno
from django.template.loader import render_to_string

from dangjian.ballots.models import Question, Voter
from dangjian.pdf import render_many

from .models import Round

SHEETS_PER_PAGE = 4
BLANK_PER_DOCUMENT = 20  # ballots laid out at once (WeasyPrint keeps a document's pages in memory)


@dataclass(frozen=True)
class Sheet:
    name: str
    team: str
    code: str
    qr_svg: str


def sheet_url(page_url: str, code: str) -> str:
    """What the QR code holds: the sheet page with the code after `#` (never sent to the server)."""
    return f"{page_url}#{code}"


def sheets_pdf(r: Round, issued: Sequence[tuple[Voter, str]], page_url: str, categories: Sequence[str]) -> bytes:
    """The PDF of the ballot sheets just issued, in the order given (by name)."""
    sheets = [
        Sheet(
            name=voter.person.name,
            team=voter.person.team.display_name if voter.person.team is not None else "",
            code=code,
            qr_svg=segno.make(sheet_url(page_url, code), error="m").svg_inline(
                scale=3, border=1, dark="#000", light="#fff"
            ),
        )
        for voter, code in issued
    ]

    def pages() -> Iterator[str]:
        for start in range(0, len(sheets), SHEETS_PER_PAGE):
            yield render_to_string(
                "selections/print/sheet.html",
                {
                    "r": r,
                    "sheets": sheets[start : start + SHEETS_PER_PAGE],
                    "categories": categories,
                    "page_url": page_url,
                },
            )

    return render_many(pages())


def blank_ballots_pdf(r: Round, questions: Sequence[Question], n: int) -> bytes:
    """`n` blank paper ballots of the round's vote, all alike."""

    def documents() -> Iterator[str]:
        for start in range(0, n, BLANK_PER_DOCUMENT):
            yield render_to_string(
                "selections/print/teller_ballot.html",
                {"r": r, "questions": questions, "copies": range(min(BLANK_PER_DOCUMENT, n - start))},
            )

    return render_many(documents())
