"""Logins for everyone at scale (issue 15): what it costs a county to give codes to its largest
enterprise's workforce, to work out who gets what first, to print the sheet, and a person's
activation. Each write runs in a transaction rolled back afterwards, leaving the dataset as it was.

The floor of "who gets what" is reading the same people with their login (the ID number
decrypted, as the plan must to know who has one) and nothing else."""

from __future__ import annotations

import time
import uuid
from typing import Any

from django.db.models import Count

from dangjian.accounts import services as account_services
from dangjian.accounts import sheets
from dangjian.organizations.models import Enterprise
from dangjian.organizations.selectors import enterprises_under
from dangjian.people.models import Person

from .bench import Figure, Settings, World, measured, peak_mb, reset_peak, rolled_back

SHEET_CARDS = 80  # ten pages


def largest_enterprise(world: World) -> Enterprise | None:
    return (
        Enterprise.objects.filter(pk__in=enterprises_under(world.county.org.path))
        .annotate(n=Count("employees"))
        .order_by("-n", "pk")
        .first()
    )


def run_on(world: World, s: Settings) -> list[Figure]:
    figures: list[Figure] = []
    ent = largest_enterprise(world)
    if ent is None:
        return figures
    user = world.county.user
    people = Person.objects.filter(employer=ent).select_related(*account_services.PEOPLE_RELATED).order_by("name", "pk")
    n = people.count()
    note = f"{n:,} people of {ent.name}"

    def floor(_i: int) -> Any:
        return list(people.values_list("pk", "id_number", "user__id", "user__password"))

    base = measured("sql.logins.people", floor, s, note=note)
    figures.append(base)
    # Each run reads the people afresh (`people.all()`): a run rolled back leaves logins on the
    # objects it gave them to that no longer exist.
    plan = measured("logins.plan", lambda _i: account_services.plan(list(people.all())), s, note=note)
    plan.floor, plan.ratio = base.scenario, plan.median_ms / base.median_ms if base.median_ms else None
    figures.append(plan)

    # Giving the whole workforce its codes, in one transaction (rolled back): a few runs.
    times: list[float] = []
    reset_peak()
    for _run in range(max(1, min(3, s.min_runs))):
        chosen = list(people.all())
        with rolled_back():
            t0 = time.perf_counter()
            given = account_services.give_logins(actor=user, people=chosen, label="benchmark")
            times.append(time.perf_counter() - t0)
            given_n = given.new_logins + given.new_codes
    figures.append(Figure.of("logins.give", times, peak_rss_mb=peak_mb(), note=f"{given_n:,} codes, one transaction"))

    # The sheet of the first SHEET_CARDS, and one activation.
    with rolled_back():
        few = list(people.all()[:SHEET_CARDS])
        sheet = account_services.give_logins(actor=user, people=few, label="benchmark").sheet
        reset_peak()
        t0 = time.perf_counter()
        _data, _name, cards = sheets.print_sheet(actor=user, sheet=sheet, base_url="http://127.0.0.1:8000/")
        figures.append(
            Figure.of("logins.sheet", [time.perf_counter() - t0], peak_rss_mb=peak_mb(), note=f"{cards} cards, PDF")
        )
        activations = list(sheet.codes.select_related("user__person"))
        used: list[float] = []
        for a in activations[: max(1, min(len(activations), s.min_runs))]:
            person = a.user.person
            assert person is not None  # codes are given to people
            code, tail = a.code_sealed, person.id_number[-6:]
            t0 = time.perf_counter()
            account_services.use_code(
                code=code, id_tail=tail, password=f"Bench-{uuid.uuid4().hex[:10]}", address=uuid.uuid4().hex
            )
            used.append(time.perf_counter() - t0)
        figures.append(Figure.of("logins.activate", used, note="code + ID ending + password hash"))
    return figures
