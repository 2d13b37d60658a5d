"""Pure rules of transfers: the letter's validity, its number, the dues month, the stubs'
retention. No database access."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from dangjian.calendar import add_months, add_years

# A letter is valid 30 days unless the issuer says otherwise, and at most three months
# (DOMAIN.md §1 [rule]); at least one day, or it could never be accepted.
DEFAULT_VALIDITY_DAYS = 30
MAX_VALIDITY_MONTHS = 3


def default_valid_until(issued_on: dt.date) -> dt.date:
    return issued_on + dt.timedelta(days=DEFAULT_VALIDITY_DAYS)


def latest_valid_until(issued_on: dt.date) -> dt.date:
    """The last day a letter dated `issued_on` may be valid: three calendar months on (a letter
    of 30 November is valid at most until 28 (29) February)."""
    return add_months(issued_on, MAX_VALIDITY_MONTHS)


def validity_error(issued_on: dt.date, valid_until: dt.date) -> str | None:
    """Why a letter dated `issued_on` cannot be valid until `valid_until`, or None."""
    if valid_until <= issued_on:
        return _("A letter is valid at least one day: choose a date after %(issued)s.") % {
            "issued": issued_on.isoformat()
        }
    latest = latest_valid_until(issued_on)
    if valid_until > latest:
        return _(
            "A letter is valid at most three months: a letter dated %(issued)s may be valid until %(latest)s at the latest."
        ) % {"issued": issued_on.isoformat(), "latest": latest.isoformat()}
    return None


def letter_number(org_id: int, year: int, sequence: int) -> str:
    """Our letter numbers: year, issuing organisation, and the organisation's count of letters
    that year — readable on paper and on the phone, unique (the organisation's id is), and
    telling at a glance who issued it and when: "2026-0042-007"."""
    return f"{year}-{org_id:04d}-{sequence:03d}"


def stub_kept_until(issued_on: dt.date, years: int) -> dt.date:
    """The first day a stub's personal detail may be removed: `years` after its letter's date."""
    return add_years(issued_on, years)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def acceptance_error(*, issued_on: dt.date, valid_until: dt.date, on: dt.date, today: dt.date) -> str | None:
    """Why a letter cannot be accepted (or its member placed) today with the acceptance dated `on`,
    or None. A letter past its validity is refused whatever day the acceptance is dated: typing a
    day within the validity does not revive it (nor end the sender's record retroactively)."""
    if today > valid_until:
        return _(
            "This letter was valid until %(date)s and has expired, so it can no longer be accepted. Return it "
            "and ask the sending branch to issue a new one."
        ) % {"date": valid_until.isoformat()}
    if on > today:
        return _("The date %(date)s is in the future. Record the acceptance on the day it happens.") % {
            "date": on.isoformat()
        }
    if on < issued_on:
        return _("The letter is dated %(issued)s; it cannot be accepted before that.") % {
            "issued": issued_on.isoformat()
        }
    return None
