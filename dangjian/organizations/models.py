"""The party tree (组织), enterprises (企业) and their production units (车间/厂房 → 班组).

The party tree uses a materialised path (`path` = "/1/7/42/") so that "everything under this node"
is one indexed prefix query at province scale; `services.move_organization` rewrites the paths of
a moved subtree in one UPDATE.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from dangjian.labels import FastLabels
from dangjian.text import NO_NUL, natural_key

from .validators import validate_uscc


class BilingualName(models.Model):
    name = models.CharField(_("name"), max_length=200, validators=[NO_NUL])
    name_en = models.CharField(_("English name"), max_length=200, blank=True, validators=[NO_NUL])

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return display_name(self.name, self.name_en)


def display_name(name: str, name_en: str) -> str:
    """The name to show in the current language: the English one, if any, in English."""
    if name_en and (get_language() or "").startswith("en"):
        return name_en
    return name


class OrgKind(models.TextChoices):
    PREFECTURE_COMMITTEE = "prefecture", _("Prefecture committee")
    COUNTY_COMMITTEE = "county", _("County committee")
    PARK_COMMITTEE = "park", _("Park or township committee")
    ENTERPRISE_COMMITTEE = "committee", _("Enterprise party committee")
    GENERAL_BRANCH = "general_branch", _("General branch")
    BRANCH = "branch", _("Party branch")
    JOINT_BRANCH = "joint_branch", _("Joint party branch")
    PARTY_GROUP = "group", _("Party group")


# Which kinds may stand directly under which (DOMAIN.md §1). A root is a prefecture or county.
ALLOWED_PARENT_KINDS: dict[str, set[str]] = {
    OrgKind.PREFECTURE_COMMITTEE: set(),
    OrgKind.COUNTY_COMMITTEE: {OrgKind.PREFECTURE_COMMITTEE},
    OrgKind.PARK_COMMITTEE: {OrgKind.COUNTY_COMMITTEE},
    OrgKind.ENTERPRISE_COMMITTEE: {OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE},
    OrgKind.GENERAL_BRANCH: {OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE, OrgKind.ENTERPRISE_COMMITTEE},
    OrgKind.BRANCH: {
        OrgKind.COUNTY_COMMITTEE,
        OrgKind.PARK_COMMITTEE,
        OrgKind.ENTERPRISE_COMMITTEE,
        OrgKind.GENERAL_BRANCH,
    },
    OrgKind.JOINT_BRANCH: {OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE},
    OrgKind.PARTY_GROUP: {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.GENERAL_BRANCH},
}
ROOT_KINDS = {OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE}
# Kinds whose members are counted when the member-count rule is applied.
PARTY_UNIT_KINDS = {
    OrgKind.ENTERPRISE_COMMITTEE,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
}


class Organization(FastLabels, BilingualName):
    kind = models.CharField(_("kind"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    code = models.CharField(
        _("code"),
        max_length=32,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Division code for a committee (e.g. 652827) or the organisation's own code."),
        validators=[NO_NUL],
    )
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("party organisation")
        verbose_name_plural = _("party organisations")
        ordering = ["path"]
        indexes = [models.Index(fields=["kind", "path"])]

    @property
    def is_party_unit(self) -> bool:
        """A committee of an enterprise, a general branch or a branch: where members are kept."""
        return self.kind in PARTY_UNIT_KINDS

    @property
    def is_committee(self) -> bool:
        return self.kind in {OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE, OrgKind.PARK_COMMITTEE}

    def path_ids(self) -> list[int]:
        """This organisation and those above it, from the root down."""
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestor_ids(self) -> list[int]:
        return self.path_ids()[:-1]

    def audit_org_path(self) -> str:
        """Where this organisation's audit events are filed (audit.services.record)."""
        return self.path


class Ownership(models.TextChoices):
    STATE = "state", _("State-owned")
    COLLECTIVE = "collective", _("Collective")
    PRIVATE = "private", _("Private")
    FOREIGN = "foreign", _("Foreign-invested")
    HMT = "hmt", _("Hong Kong, Macao or Taiwan invested")
    MIXED = "mixed", _("Mixed ownership")


# "Non-public" (非公有制) in the party's coverage statistics.
NON_PUBLIC_OWNERSHIP = {Ownership.PRIVATE, Ownership.FOREIGN, Ownership.HMT}


class Enterprise(FastLabels, BilingualName):
    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc])
    ownership = models.CharField(_("ownership"), max_length=12, choices=Ownership.choices)
    industry = models.CharField(_("industry"), max_length=100, blank=True, validators=[NO_NUL])
    address = models.CharField(_("address"), max_length=300, blank=True, validators=[NO_NUL])
    # The committee (county, park or township) that oversees the enterprise's party work: it
    # places the enterprise in the tree for scopes and roll-ups, party organisation or not.
    supervising_org = models.ForeignKey(
        Organization,
        verbose_name=_("supervising committee"),
        on_delete=models.PROTECT,
        related_name="supervised_enterprises",
    )
    # The party organisation that covers the enterprise (its own, or a joint branch); empty when
    # the enterprise has none yet, which is what the "coverage" figure counts.
    party_org = models.ForeignKey(
        Organization,
        verbose_name=_("party organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="covered_enterprises",
    )
    settled_on = models.DateField(_("settled in the park on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    @property
    def is_non_public(self) -> bool:
        return self.ownership in NON_PUBLIC_OWNERSHIP

    def audit_org_path(self) -> str:
        """An enterprise's audit events are filed under its supervising committee."""
        return self.supervising_org.path if self.supervising_org is not None else ""


class UnitKind(models.TextChoices):
    WORKSHOP = "workshop", _("Workshop or factory building")
    TEAM = "team", pgettext_lazy("production", "Production team")


class NaturalKeyField(models.TextField):
    """The model's `source` text as `dangjian.text.natural_key` orders it (二组 before 十组),
    worked out whenever the row is saved, bulk-created included (Field.pre_save runs for both).
    Derived: audit snapshots leave it out (the name's change is the change)."""

    derived = True

    def __init__(self, *args: object, source: str = "name", **kwargs: object) -> None:
        self.source = source
        kwargs.setdefault("editable", False)
        kwargs.setdefault("default", "")
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        value = natural_key(getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, value)
        return value


class ProductionUnit(FastLabels, BilingualName):
    """A workshop/factory building (车间/厂房) or a production team (班组) of one enterprise."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="units"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("workshop"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
        limit_choices_to={"kind": UnitKind.WORKSHOP},
    )
    # The name as people read its numbers (一组, 二组 … 十组): what lists sort teams by.
    name_key = NaturalKeyField(source="name")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("production unit")
        verbose_name_plural = _("production units")
        ordering = ["enterprise_id", "kind", "name_key", "name"]
        constraints = [
            models.UniqueConstraint(fields=["enterprise", "parent", "name"], name="unit_unique_name"),
        ]

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A save of named fields (the services' updates) writes the key with the name it follows.
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key"}
        super().save(*args, **kwargs)

    def audit_org_path(self) -> str:
        return self.enterprise.audit_org_path()
