"""Roles and logins: the instructors of Hejing's enterprises, the organs' branch staff, and the
demo logins of the README (among them the garment company's statistician)."""

from __future__ import annotations

import datetime as dt

from dangjian.access import selectors as access_selectors
from dangjian.access.models import Role
from dangjian.demo.build.base import Builder
from dangjian.demo.data.garment import STATISTICIAN_POST
from dangjian.people.models import Person


def instructors_assigned(today: dt.date) -> dt.date:
    return dt.date(today.year - 1, 3, 1)


def build_instructors(b: Builder) -> None:
    assert b.hejing_enterprises[0] == b.garment
    for i, (cadre, ent) in enumerate(zip(b.instructors, b.hejing_enterprises, strict=True)):
        if i == 0:
            user = b.user(cadre, "instructor", password=b.password)
        else:
            user = b.user(cadre, f"instructor{i + 1:02d}")
        # Assigned in the spring of last year (the county sent its 68 instructors then).
        b.role(user, Role.INSTRUCTOR, enterprise=ent, started_on=instructors_assigned(b.today))
    # The county organs' office branches get their secretary and committee from the cadres
    # (not Liu Hong, and not the garment company's instructor, whose login stays an instructor's).
    for branch in b.organ_branches:
        cadres = [p for p in b.instructors[1:] if p.party_org_id == branch.pk]
        b.staff_branch(branch, cadres)


def build_logins(b: Builder) -> None:
    liuhong = b.user(b.named["liu_hong"], "liuhong", password=b.password)
    b.role(liuhong, Role.ORG_DEPARTMENT, organization=b.committees["county"])
    bazhou = b.user(None, "bazhou", password=b.password, first_name="巴州党委组织部")
    b.role(bazhou, Role.ORG_DEPARTMENT, organization=b.committees["prefecture"])
    hr = b.user(b.named["hr"], "hr", password=b.password)
    b.role(hr, Role.MANAGER, enterprise=b.garment)
    # The garment company's statistician enters the teams' monthly figures (indicators); HR stays
    # a manager. Not one of `b.named`: the pacesetter rounds draw their nominees from the others.
    statistician = Person.objects.get(employer=b.garment, post=STATISTICIAN_POST)
    b.role(b.user(statistician, "statistician", password=b.password), Role.STATISTICIAN, enterprise=b.garment)
    b.user(b.named["member"], "member", password=b.password)
    b.user(b.named["abibahan"], "abibahan", password=b.password)
    if not access_selectors.user_exists("admin"):
        b.user(None, "admin", password=b.password, is_staff=True, is_superuser=True)
