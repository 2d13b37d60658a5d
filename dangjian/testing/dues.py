"""Scenes for the dues' tests: a base set and months charged through the services."""

from __future__ import annotations

import datetime as dt

from dangjian.dues import services


def base(person, month, pay="4000.00", category="employed", actor=None):
    return services.set_base(actor=actor, person=person, month=month, category=category, base_pay=pay)


def charge(org, *months, actor=None):
    for month in months:
        services.charge_month(actor=actor, organization=org, month=month)


def month(year: int, m: int) -> dt.date:
    return dt.date(year, m, 1)
