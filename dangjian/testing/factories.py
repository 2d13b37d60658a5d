"""factory_boy factories that build real rows through the real services where it matters
(paths, derived status, blind index)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

import factory

from dangjian.access.models import User
from dangjian.organizations import services as organization_services
from dangjian.organizations.models import Enterprise, Organization, Ownership, ProductionUnit, UnitKind
from dangjian.organizations.validators import USCC_ALPHABET, uscc_check_character
from dangjian.people import services as people_services
from dangjian.people.models import Person
from dangjian.people.validators import id_check_digit

_seq = itertools.count(1)


def make_uscc(n: int) -> str:
    body = "91652827" + "".join(USCC_ALPHABET[(n * 7 + i * 3) % 31] for i in range(9))
    body = body[:8] + f"{n:09d}"[-9:] if n < 10**9 else body
    return body + uscc_check_character(body)


def make_id_number(birth: dt.date, gender: str, serial: int, division: str = "652827") -> str:
    # Digits 15-17 are a serial whose last digit is odd for men; 500 people share a birth date.
    seq = (2 * serial + (1 if gender == "M" else 0)) % 1000
    first17 = f"{division}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def make_org(kind: str, name: str, parent: Organization | None = None, **extra) -> Organization:
    return organization_services.create_organization(actor=None, kind=kind, name=name, parent=parent, **extra)


def _save_user(user: User, create: bool, extracted: Any, **kwargs: Any) -> None:
    # After set_password: Meta.skip_postgeneration_save leaves saving to us.
    if create:
        user.save()


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pass-Word-123")

    _save = factory.PostGeneration(_save_user)


class EnterpriseFactory(factory.django.DjangoModelFactory[Enterprise]):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"企业{n}")
    uscc = factory.LazyFunction(lambda: make_uscc(next(_seq)))
    ownership = Ownership.PRIVATE


class UnitFactory(factory.django.DjangoModelFactory[ProductionUnit]):
    class Meta:
        model = ProductionUnit

    name = factory.Sequence(lambda n: f"班组{n}")
    kind = UnitKind.TEAM


class PersonFactory(factory.django.DjangoModelFactory[Person]):
    """A person saved through people.services so that the blind index is set."""

    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"员工{n}")
    gender = "F"
    ethnicity = "01"
    # Born 1960–1984, so every factory person is an adult at any admission date tests use.
    birth_date = factory.Sequence(lambda n: dt.date(1960, 1, 1) + dt.timedelta(days=n % 9000))
    id_number = factory.LazyAttribute(lambda o: make_id_number(o.birth_date, o.gender, next(_seq)))
    phone = factory.Sequence(lambda n: f"139{n:08d}")

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return people_services.create_person(actor=None, **kwargs)
