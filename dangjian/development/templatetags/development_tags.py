"""Development's part of pages that other apps own: the person page asks here for the political
birthday, which counts from admission or conversion as the organisation's development settings
say (people sits below development and does not import it)."""

from __future__ import annotations

import datetime as dt

from django import template

from dangjian.people.models import Membership
from dangjian.people.rules import political_birthday as birthday_of

from ..services import config_for

register = template.Library()


@register.simple_tag
def political_birthday(membership: Membership | None) -> dt.date | None:
    """The member's political birthday from their open membership record (None without one)."""
    if membership is None:
        return None
    basis = config_for(membership.organization).birthday_basis
    return birthday_of(membership.admitted_on, membership.converted_on, basis)
