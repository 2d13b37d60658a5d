"""Membership development in the garment branch: where each candidate stands today, the dates of
their steps, and the steps written through development.services (so the rules check every step,
as they would a secretary's)."""

from __future__ import annotations

import datetime as dt
import random

from dangjian.calendar import add_months, add_years
from dangjian.demo.build.base import Builder, Slot
from dangjian.demo.data.enterprises import JOINT_BRANCHES
from dangjian.demo.data.garment import FIRST_MONTH_STATES, POLITICAL_REVIEW
from dangjian.demo.data.people import HE_YANPING, HUO_XIUQUAN
from dangjian.development import rules as development_rules
from dangjian.development import services as development
from dangjian.organizations.models import Organization
from dangjian.people import selectors as people_selectors
from dangjian.people import services as people_services
from dangjian.people.models import Person


def _rng(b: Builder, s: Slot) -> random.Random:
    """The demo's random stream; the probationary members given their development records later
    ("probation_N") draw from one of their own, so every other name and date stays as it was."""
    if s.track.startswith("probation_"):
        return random.Random(f"{b.seed}:{s.track}")
    return b.rng


def plan_development(b: Builder, s: Slot) -> None:
    """Place a candidate's steps relative to today and to the branch's founding.

    The branch is six to eighteen months old: too young to have made a development target (a
    year as activist comes first) or to have admitted a member eleven months ago. Before it
    was founded the company's party members belonged to the park's first joint branch (the
    article's 38 members "found a home" by transferring into the new branch, DOMAIN.md §1),
    and so did the development of its employees: those candidates applied to the joint
    branch, and their dossiers came to the new branch on the founding day with the members'
    records. The platform keeps one candidacy per attempt under the organisation now
    responsible for it, so these candidacies are the branch's, their earlier steps dated
    before its founding and recorded as taken by the joint branch (`acted_by`, and a note on
    the application). DOMAIN.md §2 orders the steps and times them against each other; it
    does not tie them to the founding of the organisation that now keeps the record."""
    rng, today, founding, d = _rng(b, s), b.today, b.founding, s.dates

    def days(lo: int, hi: int) -> dt.timedelta:
        return dt.timedelta(days=rng.randint(lo, hi))

    if s.track in FIRST_MONTH_STATES:
        d["applied"] = founding + (dt.timedelta(days=24) if s.key == "abibahan" else days(3, 30))
        if s.track != "overdue":  # "overdue": the talk was due within a month and has not happened
            d["talk"] = d["applied"] + days(5, 20)
        if s.track == "activist":
            d["activist"] = d["applied"] + days(45, 80)
    elif s.track == "recent":  # applied in the last weeks: the talk is not yet due
        d["applied"] = today - days(3, 20)
    else:
        if s.track == "early_activist":  # a development target from next month or so
            d["activist"] = add_years(today, -1) + days(15, 40)
        elif s.track == "target":  # designated by the new branch after a year as activist
            d["target"] = today - days(30, 60)
            d["activist"] = add_years(d["target"], -1) - days(20, 60)
        elif s.track.startswith("probation"):
            # "probation": admitted about eleven months ago, conversion falls due; "probation_N":
            # admitted N days ago (fixed, drawing nothing, so the demo's other dates stay put).
            ago = s.track.removeprefix("probation").lstrip("_")
            d["meeting"] = today - dt.timedelta(days=int(ago)) if ago else add_years(today, -1) + days(10, 25)
            d["target"] = d["meeting"] - dt.timedelta(days=50)
            d["activist"] = add_years(d["target"], -1) - days(10, 40)
        d["applied"] = d["activist"] - days(40, 90)
        d["talk"] = d["applied"] + days(7, 20)


def development_steps(b: Builder, s: Slot, contacts: list[int], sponsors: list[int]) -> list[tuple]:
    """(step, date, data, conclusion) after the application, in the order they happened."""
    d, rng = s.dates, _rng(b, s)
    week = dt.timedelta(days=7)
    steps: list[tuple] = []
    if "talk" in d:
        steps.append((2, d["talk"], {}, ""))
    if "activist" in d:
        a = d["activist"]
        steps += [
            (3, a, {"recommended_by": rng.choice(("members", "members", "union"))}, ""),
            (4, a + week, {}, ""),
            (5, a + week, {"contacts": contacts}, ""),
        ]
        k = 1
        while add_months(a, 6 * k) <= d.get("target", b.today):  # the half-yearly assessments
            steps.append((6, add_months(a, 6 * k), {}, ""))
            k += 1
    if "target" in d:
        t = d["target"]
        steps += [
            (7, t, {}, ""),
            (8, t + dt.timedelta(days=5), {}, ""),
            (9, t + dt.timedelta(10), {"sponsors": sponsors}, ""),
        ]
    if "meeting" in d:
        t, m = d["target"], d["meeting"]
        notice = t + dt.timedelta(days=40)
        voters = len(b.garment_full) + (6 if m < b.founding else 0)
        present = voters - rng.randint(1, 4)
        steps += [
            (10, t + dt.timedelta(days=20), {}, POLITICAL_REVIEW),
            (11, t + dt.timedelta(days=25), {"days": 3}, ""),
            (12, t + dt.timedelta(days=35), {}, ""),
            (
                13,
                notice,
                {"notice_from": notice.isoformat(), "notice_to": (notice + dt.timedelta(days=4)).isoformat()},
                "",
            ),
            (14, notice + dt.timedelta(days=6), {}, ""),
            (15, m, {"entitled": voters, "full_entitled": voters, "present": present, "yes": present}, ""),
            (16, m + dt.timedelta(days=10), {}, ""),
            (17, m + dt.timedelta(days=30), {}, ""),
            (18, m + dt.timedelta(days=40), {}, ""),
            (19, m + dt.timedelta(days=40), {}, ""),
            (20, m + dt.timedelta(days=45), {}, ""),
        ]
    return sorted(steps, key=lambda step: (step[1], step[0]))


def acted_by(b: Builder, number: int, on: dt.date, person: Person, rng: random.Random | None = None) -> str:
    """Who took a step: the joint branch before the branch was founded, the branch after."""
    joint = JOINT_BRANCHES["park1"][0]
    before = on < b.founding
    who = development_rules.STEPS[number].actor
    if who is development_rules.CANDIDATE:
        return person.name
    if who is development_rules.SECRETARY:
        return f"{joint}书记" if before else (rng or b.rng).choice((HE_YANPING.name, HUO_XIUQUAN.name))
    if who is development_rules.COMMITTEE:
        return f"{joint}委员会" if before else "党支部委员会"
    if who is development_rules.MEETING:
        return f"{joint}党员大会" if before else "党支部党员大会"
    if who is development_rules.HIGHER:
        return "和静县工业园区党委"
    return "和静县委组织部"


def build_development(b: Builder, branch: Organization, slots: list[Slot], full_members: list[Person]) -> None:
    """Every state of the branch's development board as of today, written through
    development.services (so the rules check every step, as they would a secretary's)."""
    b.garment_full = full_members
    founding = b.founding
    for s in sorted(slots, key=lambda s: s.dates["applied"]):
        rng = _rng(b, s)
        contacts = [p.pk for p in rng.sample(full_members, rng.choice((1, 2)))]
        sponsors = [p.pk for p in rng.sample(full_members, 2)]
        note = ""
        if s.dates["applied"] < founding:
            note = (
                f"向{JOINT_BRANCHES['park1'][0]}递交；{founding.year}年{founding.month}月{founding.day}日"
                "本支部成立后，随组织关系一并转入。"
            )
        candidacy = development.apply(
            actor=None,
            person=s.filled,
            organization=branch,
            applied_on=s.dates["applied"],
            note=note,
            today=b.today,
        )
        for number, on, data, conclusion in development_steps(b, s, contacts, sponsors):
            development.record_step(
                actor=None,
                candidacy=candidacy,
                number=number,
                done_on=on,
                data=data,
                conclusion=conclusion,
                acted_by=acted_by(b, number, on, s.filled, rng),
                today=b.today,
            )
            if number == 17:
                # Admitted before the founding: in the branch from its founding, like the others.
                membership = people_selectors.open_membership(s.filled)
                if membership is None:  # never: step 17 (admission) has just opened it
                    raise RuntimeError(f"{s.filled.name} was admitted without a membership record")
                people_services.update_membership(
                    actor=None, membership=membership, joined_org_on=max(founding, membership.admitted_on)
                )
