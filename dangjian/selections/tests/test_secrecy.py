"""The secret ballot, looked for links (issue 18): nothing — field, column, key, time, page,
export, admin, audit event — ties a ballot to its voter.

- The tables: a ballot and its marks hold no voter, person or user, no time and no sequence
  (random version-4 keys); the roll holds no time and nothing of the ballots; a teller's paper
  entry does not point at the ballot it became; no other table points at a ballot or a mark.
- The pages: one vote is run twice through the pages (a phone ballot, another, a sheet's), the
  second time with the same ballots but each voter's choices swapped for another's; every page
  the organiser, a voter, the committee above and the administrator can open afterwards reads
  the same both times. A page that paired a voter with a choice, in any form (a name beside a
  vote, an order of ballots matching the order of voting), would differ. Neither run's pages
  or audit events hold a ballot's or a mark's key, a receipt code or its digest, or a sheet's
  code.
- The refusals the issue names, through the pages: a second vote, a vote outside the vote, a
  sheet's code used twice.
"""

from __future__ import annotations

import datetime as dt
import difflib
import io
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import openpyxl
import pytest
from django.apps import apps
from django.contrib import admin
from django.core.cache import cache
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation
from pypdf import PdfReader

from dangjian.access.models import User
from dangjian.audit import sealing
from dangjian.audit.models import AuditEvent
from dangjian.ballots import rules as ballot_rules
from dangjian.ballots import selectors as ballot_selectors
from dangjian.ballots import services as ballots
from dangjian.ballots.models import Ballot, Mark, PaperEntry, Voter
from dangjian.people.models import Person
from dangjian.selections import services
from dangjian.selections.models import Builtin
from dangjian.testing.exports import read_rows
from dangjian.testing.factories import UserFactory
from dangjian.testing.selections import in_vote
from dangjian.testing.voting import ballot_fields, vote

TIME_FIELDS = (models.DateField, models.DateTimeField, models.TimeField, models.DurationField)
SEQUENCES = (models.AutoField, models.BigAutoField, models.SmallAutoField)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


# --- the tables -----------------------------------------------------------------------------------


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.get_fields() if isinstance(f, models.Field)]


@pytest.mark.parametrize("model", [Ballot, Mark], ids=lambda m: m.__name__)
def test_a_ballot_and_its_marks_name_no_voter_and_keep_no_time_or_sequence(model):
    for f in model._meta.get_fields():
        assert f.related_model not in (Voter, Person, User, PaperEntry), f"{model.__name__}.{f.name}"
        assert not isinstance(f, TIME_FIELDS), f"{model.__name__}.{f.name} keeps a time"
        assert not isinstance(f, SEQUENCES), f"{model.__name__}.{f.name} numbers ballots in order"
    pk = model._meta.pk
    assert isinstance(pk, models.UUIDField) and pk.default is uuid.uuid4
    assert not model._meta.ordering


def test_the_roll_keeps_no_time_and_nothing_of_the_ballots():
    for f in Voter._meta.get_fields():
        assert f.related_model not in (Ballot, Mark), f"Voter.{f.name}"
        assert not isinstance(f, TIME_FIELDS), f"Voter.{f.name} keeps a time"
    assert {f.name for f in _fields(Voter)} == {"id", "poll", "person", "voted", "sheet_code"}


def test_no_table_but_the_marks_points_at_a_ballot_and_none_at_a_mark():
    pointing = {
        (m._meta.label, f.name)
        for m in apps.get_models()
        for f in m._meta.get_fields()
        if isinstance(f, models.Field) and f.related_model in (Ballot, Mark)
    }
    assert pointing == {("ballots.Mark", "ballot")}
    assert all(f.related_model is not Ballot for f in _fields(PaperEntry))


@pytest.mark.django_db
def test_the_database_columns_of_ballots_and_marks_are_only_these():
    with connection.cursor() as cursor:
        columns = {
            table: {c.name for c in connection.introspection.get_table_description(cursor, table)}
            for table in (Ballot._meta.db_table, Mark._meta.db_table)
        }
    assert columns == {
        Ballot._meta.db_table: {"id", "poll_id", "receipt"},
        Mark._meta.db_table: {"id", "ballot_id", "question_id", "option_id"},
    }


def test_the_admin_lists_no_ballot_mark_roll_or_paper_entry():
    for model in (Ballot, Mark, Voter, PaperEntry):
        assert model not in admin.site._registry, model


# --- the pages ------------------------------------------------------------------------------------

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')
LONG_HEX = re.compile(r"\b[0-9a-f]{16,}\b")
# Times, as pages, the admin and a dump of rows write them (a date alone stays: both runs are on one day).
TIMES = re.compile(
    r"\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:[+-]\d{2}:?\d{2}|Z)?(?:\s?[ap]\.m\.)?"
    r"|(?:noon|midnight)|datetime\.datetime\([^)]*\)"
)
EVENT_SEAL = ("at", "hash", "prev_hash", "mac")


def _text(response) -> str:
    """What a person reads in an answer: the page, a PDF's text, a workbook's cells."""
    kind = response.get("Content-Type", "")
    data = b"".join(response.streaming_content) if response.streaming else response.content
    if kind.startswith("application/pdf"):
        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    if "spreadsheetml" in kind:
        book = openpyxl.load_workbook(io.BytesIO(data))
        return "\n".join(str(c.value) for s in book.worksheets for row in s.iter_rows() for c in row if c.value)
    return data.decode(errors="replace")


def _same_shape(text: str) -> str:
    """A page with what differs between two runs of the same vote on its own made alike: CSRF
    tokens, times and the audit chain's hashes. Ids are alike already (_same_ids); numbers are
    kept, so a count by voter would show."""
    return TIMES.sub("T", LONG_HEX.sub("H", CSRF.sub("", text)))


def _same_ids() -> None:
    """Each table's next id set back to follow its rows, so that a run after a rolled-back one
    gives its rows the same ids (PostgreSQL's sequences ignore a rollback; SQLite's follow it)."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(sql)


def _first_difference(a: str, b: str) -> str:
    lines = list(difflib.unified_diff(a.splitlines(), b.splitlines(), lineterm="", n=1))
    return "\n".join(lines[:30])


def _round_pages(round_id: int) -> list[str]:
    """Every page of the selections app that takes a round and nothing else, as mounted (the
    vote's pages and, where they are mounted, the rounds' own: its page, results, notice …)."""
    urls = []

    def walk(patterns, namespace: str) -> None:
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and namespace == "selections" and p.name:
                if set(p.pattern.converters) == {"pk"}:
                    urls.append(reverse(f"selections:{p.name}", args=[round_id]))

    walk(get_resolver().url_patterns, "")
    return sorted(set(urls))


class _Undo(Exception):
    pass


@contextmanager
def _then_undone() -> Iterator[None]:
    """Run a block, then take back everything it wrote (a savepoint rolled back)."""
    try:
        with transaction.atomic():
            yield
            raise _Undo
    except _Undo:
        pass


def _client(user) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def _run(world, r, voters, picks_by_voter) -> tuple[dict[str, str], set[str]]:
    """Vote as each voter in turn (the first two on their phones, the third by a ballot sheet),
    count, and read every page afterwards; the pages as read and the vote's secrets."""
    cache.clear()
    _same_ids()
    secrets: set[str] = set()
    phone_voters, sheet_voter = voters[:2], voters[2]
    pages: dict[str, str] = {}
    for user in phone_voters:
        secrets.add(vote(_client(user), r, picks_by_voter[user.person_id]))
        # While the vote runs, after each ballot: a tally that moved would pair it with who just voted.
        for who, reader in (("secretary", world.a.secretary), ("manager", world.a.manager)):
            client = _client(reader)
            for url in _round_pages(r.pk):
                response = client.get(url)
                if response.status_code == 200:
                    pages[f"{who} {url} after {user.person.name} voted"] = _text(response)
    [(_line, code)] = ballots.issue_sheets(
        actor=world.a.manager, poll=r.poll, voters=[ballot_selectors.voter_line(r.poll, sheet_voter.pk)]
    )
    secrets |= {code, ballot_rules.normalise_code(code), ballot_rules.digest_code(code)}
    anonymous = Client(HTTP_ACCEPT_LANGUAGE="en")
    secrets.add(vote(anonymous, r, picks_by_voter[sheet_voter.pk], url=reverse("selections:sheet"), code=code))
    secrets |= {ballot_rules.digest_code(s) for s in list(secrets)}
    for b in Ballot.objects.filter(poll=r.poll):
        secrets |= {str(b.pk), b.pk.hex, b.receipt}
    for m in Mark.objects.filter(ballot__poll=r.poll):
        secrets |= {str(m.pk), m.pk.hex}
    secrets.discard("")
    services.advance(actor=world.a.secretary, round=r, today=r.vote_until + dt.timedelta(days=1))

    # Seal what the vote wrote, so that neither run's audit page warns of events waiting past the
    # allowed 10 s (a slow machine would otherwise make the two runs' pages differ by that alone).
    sealing.seal()
    readers: dict[str, Callable[[], Client]] = {
        "secretary": lambda: _client(world.a.secretary),
        "manager": lambda: _client(world.a.manager),
        "county": lambda: _client(world.county_admin),
        "voter": lambda: _client(phone_voters[0]),
    }
    for who, make in readers.items():
        client = make()
        for url in [*_round_pages(r.pk), reverse("home"), reverse("audit:log")]:
            response = client.get(url)
            if response.status_code == 200:
                pages[f"{who} {url}"] = _text(response)
        for person in (world.a.member, world.a.worker):
            response = client.get(reverse("audit:history", kwargs={"kind": "person", "pk": person.pk}))
            if response.status_code == 200:
                pages[f"{who} history of {person.name}"] = _text(response)
    # The organiser's downloads (POSTs, so not among the pages above): every cell of each workbook.
    organiser = _client(world.a.secretary)
    for name in ("download_nominations", "download_results"):
        response = organiser.post(reverse(f"selections:{name}", args=[r.pk]))
        assert response.status_code == 200, name
        pages[f"secretary {name}"] = "\n".join(str(row) for row in read_rows(response.content))
    root = _client(User.objects.get(username="secrecy_root"))
    for model in admin.site._registry:
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        response = root.get(reverse(info))
        if response.status_code == 200:
            pages[f"admin {model._meta.label}"] = _text(response)
    pages["audit events"] = "\n".join(
        str({k: v for k, v in e.items() if k not in EVENT_SEAL}) for e in AuditEvent.objects.order_by("pk").values()
    )
    return pages, secrets


def test_no_page_export_admin_or_audit_event_ties_a_ballot_to_its_voter(world):
    User.objects.create_superuser(username="secrecy_root", password="x" * 20)
    r = in_vote(world.a)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    income = r.nominations.get(category__builtin=Builtin.INCOME)
    member, worker = UserFactory(person=world.a.member), UserFactory(person=world.a.worker)
    clerk = world.a.secretary.person
    voters = [member, worker, clerk]
    ballots_cast = [
        {Builtin.LEARNING: learning, Builtin.INCOME: income},
        {Builtin.LEARNING: None, Builtin.INCOME: income},
        {Builtin.LEARNING: learning, Builtin.INCOME: None},
    ]
    runs = []
    for shift in (0, 1):  # the same three ballots; the second time each voter casts the next one's
        picks = {
            (v.person_id if isinstance(v, User) else v.pk): ballots_cast[(i + shift) % 3] for i, v in enumerate(voters)
        }
        with _then_undone():
            runs.append(_run(world, r, voters, picks))
    (first, first_secrets), (second, second_secrets) = runs
    assert set(first) == set(second)
    assert any("count" in key and "A党员" in text for key, text in first.items())  # the pages were read
    for key in first:
        for secret in first_secrets | second_secrets:
            assert secret not in first[key] and secret not in second[key], f"{key} shows a ballot's secret"
        a, b = _same_shape(first[key]), _same_shape(second[key])
        assert a == b, f"{key} tells who chose what:\n{_first_difference(a, b)}"


# --- the refusals, through the pages ----------------------------------------------------------


def test_a_second_vote_a_vote_outside_the_vote_and_a_sheet_code_used_twice_are_refused(world):
    r = in_vote(world.a)
    learning = r.nominations.get(category__builtin=Builtin.LEARNING)
    phone = _client(UserFactory(person=world.a.member))
    vote(phone, r, {Builtin.LEARNING: learning})
    fields = ballot_fields(r, {Builtin.LEARNING: learning})
    second = phone.post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "cast"})
    assert second.status_code == 400 and "one person, one vote" in second.content.decode()

    [(_line, code)] = ballots.issue_sheets(
        actor=None, poll=r.poll, voters=[ballot_selectors.voter_line(r.poll, world.a.worker.pk)]
    )
    sheet = Client(HTTP_ACCEPT_LANGUAGE="en")
    vote(sheet, r, {Builtin.LEARNING: learning}, url=reverse("selections:sheet"), code=code)
    twice = sheet.post(reverse("selections:sheet"), {**fields, "code": code, "step": "cast"})
    assert twice.status_code == 400 and "has been used" in twice.content.decode()

    services.advance(actor=None, round=r, today=r.vote_until + dt.timedelta(days=1))
    late = _client(world.a.secretary).post(reverse("selections:ballot", args=[r.pk]), {**fields, "step": "cast"})
    assert late.status_code == 400 and "is closed" in late.content.decode()
    assert Ballot.objects.filter(poll=r.poll).count() == 2


def test_b_people_read_nothing_of_a_vote_of_a(world):
    r = in_vote(world.a)
    vote(_client(UserFactory(person=world.a.member)), r, {Builtin.LEARNING: None})
    b_secretary = _client(world.b.secretary)
    for url in _round_pages(r.pk):
        assert b_secretary.get(url).status_code == 404, url
