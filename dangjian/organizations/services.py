"""Writes to the party tree, enterprises and production units: validate → change → audit."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dangjian.audit import services as audit

from . import rules
from .models import PARTY_UNIT_KINDS, Enterprise, Organization, ProductionUnit, UnitKind
from .validators import normalize_uscc

if TYPE_CHECKING:
    from dangjian.access.models import User

ORG_FIELDS = ("name", "name_en", "code", "founded_on")


def _check_parent(kind: str, parent: Organization | None) -> None:
    error = rules.parent_kind_error(kind, parent.kind if parent else None)
    if error:
        raise ValidationError({"parent": error})


@audit.write_transaction
def create_organization(
    *, actor: User | None, kind: str, name: str, parent: Organization | None, **fields: Any
) -> Organization:
    if parent is not None:
        # The parent's path must be current: a concurrent move of the parent waits for us or we for it.
        parent = Organization.objects.select_for_update().get(pk=parent.pk)
    _check_parent(kind, parent)
    org = Organization(kind=kind, name=name, parent=parent, **{k: v for k, v in fields.items() if k in ORG_FIELDS})
    org.code = org.code or None
    org.full_clean(exclude=["path"])
    org.path = "/"
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    Organization.objects.filter(pk=org.pk).update(path=org.path, depth=org.depth)
    audit.record_create(actor, org)
    return org


@audit.write_transaction
def update_organization(*, actor: User | None, org: Organization, **fields: Any) -> Organization:
    kind = fields.pop("kind", org.kind)
    if kind != org.kind:
        _check_parent(kind, org.parent)
        for child in org.children.all():
            error = rules.parent_kind_error(child.kind, kind)
            if error:
                raise ValidationError({"kind": error})
    audit.update_model(
        actor=actor, instance=org, data={**fields, "kind": kind}, fields=(*ORG_FIELDS, "kind"), clean=_clean_org
    )
    return org


def _clean_org(org: Organization) -> None:
    org.code = org.code or None
    org.full_clean(exclude=["path"])


@audit.write_transaction
def move_organization(*, actor: User | None, org: Organization, new_parent: Organization) -> Organization:
    locked = {
        o.pk: o for o in Organization.objects.select_for_update().filter(pk__in=[org.pk, new_parent.pk]).order_by("pk")
    }
    org, new_parent = locked[org.pk], locked[new_parent.pk]
    if new_parent.pk == org.pk or new_parent.path.startswith(org.path):
        raise ValidationError(
            {"parent": _("An organisation cannot be moved under itself or one of its own sub-organisations.")}
        )
    _check_parent(org.kind, new_parent)
    before = audit.snapshot(org)
    old_prefix = org.path
    new_prefix = f"{new_parent.path}{org.pk}/"
    delta = new_parent.depth + 1 - org.depth
    Organization.objects.filter(path__startswith=old_prefix).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1)),
        depth=F("depth") + delta,
    )
    Organization.objects.filter(pk=org.pk).update(parent=new_parent)
    org.refresh_from_db()
    audit.record_update(actor, org, before)
    return org


@audit.write_transaction
def delete_organization(*, actor: User | None, org: Organization) -> None:
    blockers = []
    if org.children.exists():
        blockers.append(_("it has sub-organisations"))
    if org.memberships.exists() or org.candidacies.exists():
        # Ended records too: they are members' history and stay with their organisation.
        blockers.append(_("it keeps members' or applicants' records"))
    if org.covered_enterprises.exists() or org.supervised_enterprises.exists():
        blockers.append(_("enterprises are attached to it"))
    if blockers:
        raise ValidationError(
            _("This organisation cannot be deleted because %(why)s. Move or end those first.")
            % {"why": pgettext("list separator", ", ").join(blockers)}
        )
    # Roles held on the organisation go with it (cascade); each leaves its own record.
    for assignment in org.role_assignments.all():
        audit.record_delete(actor, assignment, audit.snapshot(assignment), assignment.pk, org.path)
    before, pk, path = audit.snapshot(org), org.pk, org.path
    org.delete()
    audit.record_delete(actor, org, before, pk, path)


ENTERPRISE_FIELDS = (
    "name",
    "name_en",
    "uscc",
    "ownership",
    "industry",
    "address",
    "supervising_org",
    "party_org",
    "settled_on",
)


def _validate_enterprise(ent: Enterprise) -> None:
    ent.uscc = normalize_uscc(ent.uscc)
    ent.full_clean()
    if ent.supervising_org_id and not ent.supervising_org.is_committee:
        raise ValidationError(
            {"supervising_org": _("The supervising organisation must be a county, park or township committee.")}
        )
    party_org = ent.party_org if ent.party_org_id else None
    if party_org is not None and party_org.kind not in PARTY_UNIT_KINDS:
        raise ValidationError({"party_org": _("Choose the enterprise's own party organisation or its joint branch.")})


def validated_enterprise(*, enterprise: Enterprise | None = None, **fields: Any) -> Enterprise:
    """The enterprise as create_enterprise (`enterprise` None) or update_enterprise would write
    it with `fields`, validated by the same rules but not saved: an import's dry run reports
    what the write would refuse. Raises ValidationError keyed by field; `enterprise` is left
    as it was."""
    ent = copy.copy(enterprise) if enterprise is not None else Enterprise()
    for name, value in fields.items():
        if name in ENTERPRISE_FIELDS:
            setattr(ent, name, value)
    _validate_enterprise(ent)
    return ent


@audit.write_transaction
def create_enterprise(*, actor: User | None, **fields: Any) -> Enterprise:
    ent = Enterprise(**{k: v for k, v in fields.items() if k in ENTERPRISE_FIELDS})
    _validate_enterprise(ent)
    ent.save()
    audit.record_create(actor, ent)
    return ent


@audit.write_transaction
def update_enterprise(*, actor: User | None, enterprise: Enterprise, **fields: Any) -> Enterprise:
    audit.update_model(
        actor=actor, instance=enterprise, data=fields, fields=ENTERPRISE_FIELDS, clean=_validate_enterprise
    )
    return enterprise


def _validate_unit(unit: ProductionUnit, exclude: list[str] | None = None) -> None:
    if unit.kind == UnitKind.WORKSHOP and unit.parent_id:
        raise ValidationError({"parent": _("A workshop does not sit under another unit.")})
    parent = unit.parent if unit.parent_id else None
    if parent is not None and (parent.enterprise_id != unit.enterprise_id or parent.kind != UnitKind.WORKSHOP):
        raise ValidationError({"parent": _("A team sits under a workshop of the same enterprise.")})
    unit.full_clean(exclude=exclude)


def validated_unit(
    *,
    enterprise: Enterprise | None,
    kind: str,
    name: str,
    parent: ProductionUnit | None = None,
    name_en: str = "",
) -> ProductionUnit:
    """The unit as create_unit would write it, validated by the same rules but not saved: an
    import's dry run reports what the write would refuse. `enterprise` (None) or `parent` may be
    ones not written yet (the same file creates them first): what depends on their being saved is
    left to the write. Raises ValidationError keyed by field."""
    unit = ProductionUnit(enterprise=enterprise, kind=kind, name=name, name_en=name_en, parent=parent)
    exclude = []
    if enterprise is None or enterprise.pk is None:
        exclude.append("enterprise")
    if parent is not None and parent.pk is None:
        exclude.append("parent")
    _validate_unit(unit, exclude=exclude)
    return unit


@audit.write_transaction
def create_unit(
    *,
    actor: User | None,
    enterprise: Enterprise,
    kind: str,
    name: str,
    parent: ProductionUnit | None = None,
    name_en: str = "",
) -> ProductionUnit:
    unit = ProductionUnit(enterprise=enterprise, kind=kind, name=name, name_en=name_en, parent=parent)
    _validate_unit(unit)
    unit.save()
    audit.record_create(actor, unit)
    return unit


@audit.write_transaction
def update_unit(*, actor: User | None, unit: ProductionUnit, **fields: Any) -> ProductionUnit:
    audit.update_model(
        actor=actor, instance=unit, data=fields, fields=("name", "name_en", "parent"), clean=_validate_unit
    )
    return unit


@audit.write_transaction
def delete_unit(*, actor: User | None, unit: ProductionUnit) -> None:
    if unit.teams.exists():
        raise ValidationError(_("This workshop still has teams. Move or delete them first."))
    # Its people lose their team (SET_NULL): each of them gets a record of that change.
    for person in unit.members.all():
        person_before = audit.snapshot(person)
        person.team = None
        audit.record(
            actor=actor, action="update", obj=person, changes=audit.diff(person_before, audit.snapshot(person))
        )
    before, pk, path = audit.snapshot(unit), unit.pk, audit.org_path_of(unit)
    unit.delete()
    audit.record_delete(actor, unit, before, pk, path)
