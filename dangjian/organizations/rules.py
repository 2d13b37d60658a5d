"""Pure rules about the shape of the party tree (DOMAIN.md §1). No database writes."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import ALLOWED_PARENT_KINDS, ROOT_KINDS, OrgKind


def parent_kind_error(kind: str, parent_kind: str | None) -> str | None:
    if parent_kind is None:
        if kind in ROOT_KINDS:
            return None
        return _("A %(kind)s must sit under a higher organisation.") % {"kind": OrgKind(kind).label}
    if parent_kind not in ALLOWED_PARENT_KINDS[kind]:
        allowed = ", ".join(str(OrgKind(k).label) for k in sorted(ALLOWED_PARENT_KINDS[kind])) or "—"
        return _("A %(kind)s cannot sit under a %(parent)s. It can sit under: %(allowed)s.") % {
            "kind": OrgKind(kind).label,
            "parent": OrgKind(parent_kind).label,
            "allowed": allowed,
        }
    return None


def kind_warning(kind: str, members: int, full_members: int) -> str | None:
    """Whether the organisation's kind fits its member count (党章 and 基层组织工作条例).

    ≥100 members: a party committee; 50–99: a general branch; 3–49 full members: a branch;
    fewer than 3 full members: a joint branch with other enterprises. Shown as a warning: the
    county decides when to re-form an organisation.
    """
    if kind == OrgKind.ENTERPRISE_COMMITTEE and members < 100:
        return _("A party committee is set up where there are 100 members or more; this one has %(n)d.") % {
            "n": members
        }
    if kind == OrgKind.GENERAL_BRANCH and not 50 <= members < 100:
        return _("A general branch is set up where there are 50 to 99 members; this one has %(n)d.") % {"n": members}
    if kind == OrgKind.BRANCH:
        if full_members < 3:
            return _(
                "A branch needs at least 3 full members; this one has %(n)d. Consider a joint branch with nearby enterprises."
            ) % {"n": full_members}
        if members >= 50:
            return _("A branch with %(n)d members should become a general branch (50 or more members).") % {
                "n": members
            }
    return None


def committee_required(full_members: int) -> bool:
    """A branch with 7 or more full members elects a branch committee (支委会) of 3–5."""
    return full_members >= 7
