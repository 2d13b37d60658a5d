"""A county's party organisation tree (kind ORG_TREE, rosters.county_columns.ORG_COLUMNS): one
organisation a row — name, kind, parent, code, founding date, the enterprises it covers —
imported into the county's committee (the target), all of it or nothing.

Unlike a roster, the file is checked as a whole: every row is read first, then each row's parent
is found by code or name among the file's rows (in any order) and the organisations already
registered under the target (blank: the target itself). The rows are then matched to what is
registered (by code; else by name under the same parent), and the tree they make is checked:
parents not found or named ambiguously, loops, kinds that cannot sit under their parent
(organizations.rules), codes or names repeated. Every organisation gets a code: where the file
gives none, one is made from its nearest ancestor's code ("652827-01", "652827-01-02"), unique,
and shown in the row's notes; codes are what member rosters, `import_roster --into` and the API
name an organisation by.

Writes go through the organisations' services only (create_organization, update_organization,
move_organization, update_enterprise: each audited), parents before children, in the import's one
transaction (pipeline.run._merge_payroll_in_transaction).

Moving a registered organisation to another parent is done (move_organization takes its subtree,
members and all, along): the dry run reports it as a change of parent, from where to where, so it
happens only when the uploader confirms it. Changing both its kind and its parent in one file is
refused (the services check a kind against the parent at the time of each write, so neither order
is safe in general): one file moves it, the next changes its kind.

An enterprise covered by a row is linked to it when it is registered under the target; one not
registered yet is only noted (the tree comes before the enterprises, whose file names their party
organisation too); one covered by another organisation now moves to this one, noted."""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dangjian.organizations import rules
from dangjian.organizations import selectors as orgs
from dangjian.organizations import services as org_services
from dangjian.organizations.models import PARTY_UNIT_KINDS, Enterprise, Organization, OrgKind
from dangjian.organizations.validators import normalize_uscc
from dangjian.sheets import Workbook

from ..county_columns import ORG_COLUMNS
from ..models import RosterImport, RowOutcome
from ..parsing import CellError, fold, parse_date, parse_text, plain_text, shown
from ..reading import Roster
from .parse import RowResult, column, label

if TYPE_CHECKING:
    from dangjian.access.models import User

# The kinds a tree file may name; a county or prefecture committee is the root it goes into.
IMPORTED_KINDS = (
    OrgKind.PARK_COMMITTEE,
    OrgKind.ENTERPRISE_COMMITTEE,
    OrgKind.GENERAL_BRANCH,
    OrgKind.BRANCH,
    OrgKind.JOINT_BRANCH,
    OrgKind.PARTY_GROUP,
)
ROOT_KINDS = (OrgKind.PREFECTURE_COMMITTEE, OrgKind.COUNTY_COMMITTEE)
# The words people write for a kind besides its labels (in either language) and values.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    OrgKind.ENTERPRISE_COMMITTEE: (
        "党委",
        "企业党委",
        "公司党委",
        "党委员会",
        "企业党委员会",
        "party committee",
        "enterprise committee",
    ),
    OrgKind.GENERAL_BRANCH: ("党总支", "总支", "总支部", "党总支部", "党总支部委员会", "general party branch"),
    OrgKind.BRANCH: ("党支部", "支部", "党支部委员会", "支部委员会", "branch"),
    OrgKind.JOINT_BRANCH: ("联合党支部", "联合支部", "联合党支部委员会", "joint branch"),
    OrgKind.PARTY_GROUP: ("党小组", "小组", "group"),
    OrgKind.PARK_COMMITTEE: (
        "园区党委",
        "园区党工委",
        "乡镇党委",
        "乡党委",
        "镇党委",
        "街道党工委",
        "街道党委",
        "党工委",
        "park committee",
        "township committee",
        "park",
        "township",
    ),
    OrgKind.COUNTY_COMMITTEE: ("县委", "县委员会", "县党委", "county committee"),
    OrgKind.PREFECTURE_COMMITTEE: ("地委", "州委", "地州委", "地区党委", "prefecture committee"),
}
# How the cells of "Enterprises covered" are separated.
ENTERPRISE_SEPARATORS = re.compile(r"[、;；,，\n]+")
CODE_MAX = Organization._meta.get_field("code").max_length or 32
NAME_MAX = Organization._meta.get_field("name").max_length or 200


@lru_cache(maxsize=1)
def _kind_words() -> dict[str, str]:
    words: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, text in OrgKind.choices:
                words[fold(str(text))] = value
    for value in OrgKind.values:
        words[fold(value)] = value
    for value, synonyms in KIND_WORDS.items():
        for word in synonyms:
            words.setdefault(fold(word), value)
    return words


def kind_labels() -> list[str]:
    """The kinds a tree file names, as the drop-down and messages give them (the reader's language)."""
    return [str(OrgKind(k).label) for k in IMPORTED_KINDS]


def parse_kind(value: Any) -> str | None:
    text = parse_text(value)
    if not text:
        return None
    found = _kind_words().get(fold(text))
    if found is None:
        raise CellError(
            _("“%(value)s” is not a kind of party organisation. Write one of: %(kinds)s.")
            % {"value": text, "kinds": pgettext("list separator", ", ").join(kind_labels())}
        )
    return found


def code_key(text: str) -> str:
    """Codes compared as people type them: full-width, spaces and case do not count."""
    return fold(text)


@dataclass(eq=False, slots=True)
class Node:
    """A row of the file: what it says, what it is matched to, where it goes."""

    result: RowResult
    name: str = ""
    kind: str | None = None
    parent_ref: str = ""
    code: str = ""  # as the file gives it
    founded_on: dt.date | None = None
    enterprise_refs: list[str] = field(default_factory=list)
    name_en: str = ""
    existing: Organization | None = None  # the registered organisation this row is
    parent: Node | Organization | None = None  # where it goes: a row of the file or a registered one
    parent_error: str = ""
    depth: int = 0  # in the tree the file makes; 0: not placed (a loop or an unknown parent)
    final_code: str = ""
    generated: bool = False
    links: list[Enterprise] = field(default_factory=list)  # enterprises to cover, not covered by it now
    org: Organization | None = None  # once written

    @property
    def row(self) -> int:
        return self.result.row

    @property
    def rejected(self) -> bool:
        return self.result.outcome == RowOutcome.REJECTED


Entity = Node | Organization


def organization_of(imp: RosterImport) -> Organization:
    if imp.organization is None:  # services.upload takes a county's files into its committee only
        raise ValueError(f"import {imp.pk} has no party organisation")
    return imp.organization


def _name_of(entity: Entity | None) -> str:
    if entity is None:
        return "—"
    return entity.name if isinstance(entity, Node) else str(entity)


class Tree:
    """The file as a whole, resolved against the target's subtree as registered now."""

    def __init__(self, imp: RosterImport, roster: Roster, progress: Any = None) -> None:
        self.target = organization_of(imp)
        self.roster = roster
        self.nodes: list[Node] = []
        self._read(progress)
        registered = list(orgs.subtree(self.target))
        self.by_pk = {o.pk: o for o in registered}
        self.by_code: dict[str, Organization] = {code_key(o.code): o for o in registered if o.code}
        self.by_name: dict[str, list[Organization]] = {}
        self.by_name_en: dict[str, list[Organization]] = {}
        self.children: dict[int, list[Organization]] = {}
        for o in registered:
            self.by_name.setdefault(fold(o.name), []).append(o)
            if o.name_en:
                self.by_name_en.setdefault(fold(o.name_en), []).append(o)
            if o.parent_id is not None:
                self.children.setdefault(o.parent_id, []).append(o)
        self.bound: dict[int, Node] = {}  # registered organisation's pk → the row that is it
        self.file_code: dict[str, Node] = {}
        self.file_name: dict[str, list[Node]] = {}
        self.file_name_en: dict[str, list[Node]] = {}
        self._codes()
        for node in self.nodes:
            if node.kind in ROOT_KINDS or (node.existing is not None and node.existing.pk == self.target.pk):
                continue  # refused, and most likely the target itself: a parent named so is the target
            if node.name:
                self.file_name.setdefault(fold(node.name), []).append(node)
            if node.name_en:
                self.file_name_en.setdefault(fold(node.name_en), []).append(node)
        self._place()
        self._check()
        self._give_codes()
        self._outcomes()

    # --- reading ------------------------------------------------------------------------------

    def _read(self, progress: Any) -> None:
        roster = self.roster
        for number, cells in roster.rows:
            raw = {key: (cells[i] if i < len(cells) else None) for key, i in roster.columns.items()}
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw.values()):
                continue
            node = Node(RowResult(row=number))
            result = node.result
            node.name = plain_text(raw.get("name"))
            result.name = node.name[:100]
            if not node.name:
                result.reject(column(roster, "name"), "", _("The organisation's name is missing."))
            elif len(node.name) > NAME_MAX:
                result.reject(
                    column(roster, "name"), node.name[:40], _("A name has %(n)d characters at most.") % {"n": NAME_MAX}
                )
            try:
                node.kind = parse_kind(raw.get("kind"))
            except CellError as exc:
                result.reject(column(roster, "kind"), shown(raw.get("kind")), str(exc))
            else:
                if node.kind is None:
                    result.reject(
                        column(roster, "kind"),
                        "",
                        _("The kind is missing. Write one of: %(kinds)s.")
                        % {"kinds": pgettext("list separator", ", ").join(kind_labels())},
                    )
                elif node.kind in ROOT_KINDS:
                    result.reject(
                        column(roster, "kind"),
                        shown(raw.get("kind")),
                        _(
                            "A county or prefecture committee is not imported in a tree file: the file goes into "
                            "%(target)s, the root of its tree. Leave this row out; the organisations directly "
                            "under %(target)s leave their parent blank."
                        )
                        % {"target": self.target},
                    )
            node.parent_ref = parse_text(raw.get("parent")) or ""
            node.code = parse_text(raw.get("code")) or ""
            if len(node.code) > CODE_MAX:
                result.reject(
                    column(roster, "code"), node.code, _("A code has %(n)d characters at most.") % {"n": CODE_MAX}
                )
                node.code = ""
            try:
                node.founded_on = parse_date(raw.get("founded_on"))
            except CellError as exc:
                result.reject(column(roster, "founded_on"), shown(raw.get("founded_on")), str(exc))
            if node.founded_on is not None and node.founded_on > dt.date.today():
                result.reject(
                    column(roster, "founded_on"), node.founded_on.isoformat(), _("The founding date is in the future.")
                )
            node.enterprise_refs = [
                part.strip()
                for part in ENTERPRISE_SEPARATORS.split(parse_text(raw.get("enterprises")) or "")
                if part.strip()
            ]
            node.name_en = plain_text(raw.get("name_en"))
            if len(node.name_en) > NAME_MAX:
                result.reject(
                    column(roster, "name_en"),
                    node.name_en[:40],
                    _("A name has %(n)d characters at most.") % {"n": NAME_MAX},
                )
            self.nodes.append(node)
            if progress is not None and len(self.nodes) % 100 == 0:
                progress(len(self.nodes), max(roster.total_rows, len(self.nodes)))

    # --- codes and matching ---------------------------------------------------------------------

    def _codes(self) -> None:
        """Codes repeated in the file are refused; a row whose code is registered under the target
        is that organisation; a code registered elsewhere is taken."""
        elsewhere: list[Node] = []
        for node in self.nodes:
            if not node.code:
                continue
            key = code_key(node.code)
            first = self.file_code.get(key)
            if first is not None:
                node.result.reject(
                    column(self.roster, "code"),
                    node.code,
                    _("Row %(row)d has the same code: each organisation has its own.") % {"row": first.row},
                )
                continue
            registered = self.by_code.get(key)
            if registered is None or registered.pk != self.target.pk:
                self.file_code[key] = node
            if registered is None:
                elsewhere.append(node)
            elif registered.pk == self.target.pk:
                node.result.reject(
                    column(self.roster, "code"),
                    node.code,
                    _(
                        "This is the code of %(target)s, which you import into: leave it out of the file; the "
                        "organisations directly under it leave their parent blank."
                    )
                    % {"target": self.target},
                )
                node.existing = registered
            else:
                node.existing = registered
                self.bound[registered.pk] = node
        if elsewhere:
            # Case aside, as codes are looked up everywhere else (code__iexact).
            taken = {code_key(c) for c in orgs.codes_registered(n.code for n in elsewhere) if c}
            for node in elsewhere:
                if code_key(node.code) in taken:
                    # Not named: the organisation is outside what the uploader sets up.
                    node.result.reject(
                        column(self.roster, "code"),
                        node.code,
                        _(
                            "The code %(code)s is already that of an organisation outside %(target)s. Choose another "
                            "code, or leave it blank to have one given."
                        )
                        % {"code": node.code, "target": self.target},
                    )

    def _entity(self, org: Organization) -> Entity:
        return self.bound.get(org.pk, org)

    def _resolve(self, node: Node) -> tuple[Entity | None, str]:
        """The row's parent (a row, or a registered organisation) by its code or name, or why not."""
        ref = node.parent_ref
        if not ref:
            return self._entity(self.target), ""
        key = fold(ref)
        if key in self.file_code:
            return self.file_code[key], ""
        if key in self.by_code:
            return self._entity(self.by_code[key]), ""
        found: list[Entity] = []
        for by_file, by_registered in ((self.file_name, self.by_name), (self.file_name_en, self.by_name_en)):
            found = [*by_file.get(key, []), *(o for o in by_registered.get(key, []) if o.pk not in self.bound)]
            if found:
                break
        if len(found) == 1:
            return found[0], ""
        if found:
            where = pgettext("list separator", ", ").join(self._described(e) for e in found[:5])
            return None, _(
                "%(n)d organisations are named “%(name)s” (%(where)s): write the parent's code instead, giving the "
                "rows in the file codes of their own if they have none."
            ) % {"n": len(found), "name": ref, "where": where}
        return None, _(
            "No organisation named or coded “%(ref)s” is in the file or registered under %(target)s. Check the "
            "spelling, or add a row for it."
        ) % {"ref": ref, "target": self.target}

    def _described(self, entity: Entity) -> str:
        if isinstance(entity, Node):
            if entity.code:
                return _("row %(row)d, code %(code)s") % {"row": entity.row, "code": entity.code}
            return _("row %(row)d") % {"row": entity.row}
        parent = self.by_pk.get(entity.parent_id or 0)
        under = _("under %(parent)s") % {"parent": parent} if parent is not None else ""
        if entity.code:
            return f"{entity.code} {under}".strip()
        return under or str(entity)

    def _registered_parent(self, entity: Entity | None) -> Organization | None:
        """The registered organisation a parent is, if it is one (or a row matched to one)."""
        if isinstance(entity, Organization):
            return entity
        return entity.existing if entity is not None else None

    def _place(self) -> None:
        """Rows matched by name under their parent, from the top down: a round matches the rows
        whose parent the previous round placed, until a round matches none. Then every row's
        parent, final."""
        ambiguous: dict[Node, str] = {}
        while True:
            matched = 0
            for node in self.nodes:
                if node.existing is not None or not node.name or node in ambiguous:
                    continue
                parent, _error = self._resolve(node)
                registered_parent = self._registered_parent(parent)
                if registered_parent is None:
                    continue
                same = [
                    o
                    for o in self.children.get(registered_parent.pk, [])
                    if fold(o.name) == fold(node.name) and o.pk not in self.bound and not (node.code and o.code)
                ]
                if len(same) > 1:
                    codes = pgettext("list separator", ", ").join(o.code or "—" for o in same)
                    ambiguous[node] = _(
                        "%(n)d organisations named “%(name)s” are registered under %(parent)s (codes: %(codes)s): "
                        "write the code of the one this row is."
                    ) % {"n": len(same), "name": node.name, "parent": registered_parent, "codes": codes}
                elif same:
                    node.existing = same[0]
                    self.bound[same[0].pk] = node
                    matched += 1
            if not matched:
                break
        for node, message in ambiguous.items():
            node.result.reject(column(self.roster, "name"), node.name, message)
        for node in self.nodes:
            if node.existing is not None and node.existing.pk == self.target.pk:
                continue
            node.parent, node.parent_error = self._resolve(node)

    def _up(self, entity: Entity) -> Entity | None:
        """The parent an organisation will have: a row's as the file gives it, a registered one's
        (not in the file) as it is. None at the target, or where a row's parent is unknown."""
        if isinstance(entity, Node):
            return entity.parent
        if entity.pk == self.target.pk or entity.parent_id is None:
            return None
        parent = self.by_pk.get(entity.parent_id)
        return self._entity(parent) if parent is not None else None

    # --- the tree the file makes ------------------------------------------------------------------

    def _check(self) -> None:
        roster = self.roster
        for node in self.nodes:
            if node.parent_error:
                node.result.reject(column(roster, "parent"), node.parent_ref, node.parent_error)
        self._loops()
        for node in self.nodes:
            if node.parent is None or node.kind is None or node.kind in ROOT_KINDS:
                continue
            parent = node.parent
            if not (isinstance(parent, Node) and (parent.kind is None or parent.kind in ROOT_KINDS)):
                error = rules.parent_kind_error(node.kind, parent.kind)
                if error:
                    node.result.reject(
                        column(roster, "kind"),
                        str(OrgKind(node.kind).label),
                        error + " " + _("(The parent: %(parent)s.)") % {"parent": _name_of(parent)},
                    )
            existing = node.existing
            if existing is None:
                continue
            if node.kind != existing.kind and self._moves(node):
                node.result.reject(
                    column(roster, "kind"),
                    str(OrgKind(node.kind).label),
                    _(
                        "%(name)s is registered as a %(kind)s under %(parent)s: one import changes its parent or its "
                        "kind, not both. Import the file with its old kind first, then change the kind."
                    )
                    % {
                        "name": existing,
                        "kind": OrgKind(existing.kind).label,
                        "parent": self.by_pk.get(existing.parent_id or 0, "—"),
                    },
                )
            if node.kind != existing.kind:
                self._children_keep_kind(node, existing)
        self._repeated_names()
        self._enterprises()

    def _children_keep_kind(self, node: Node, existing: Organization) -> None:
        """A registered organisation whose kind changes: update_organization checks every child it
        has at that moment at the child's kind as registered, and parents are written first, so a
        child's own change of kind in the same file comes too late. Only a child the file moves
        away before this row is written is no longer there."""
        assert node.kind is not None
        blocking: list[tuple[Organization, str]] = []
        for child in self.children.get(existing.pk, []):
            row = self.bound.get(child.pk)
            if row is not None and self._moves(row) and (row.depth, row.row) < (node.depth, node.row):
                continue  # moved elsewhere before this row is written
            error = rules.parent_kind_error(child.kind, node.kind)
            if error:
                blocking.append((child, error))
        if not blocking:
            return
        names = pgettext("list separator", ", ").join(
            _("%(child)s (a %(kind)s)") % {"child": child, "kind": OrgKind(child.kind).label}
            for child, _error in blocking[:10]
        )
        if len(blocking) > 10:
            names += " …"
        node.result.reject(
            column(self.roster, "kind"),
            str(OrgKind(node.kind).label),
            _(
                "%(name)s cannot become a %(kind)s while these sub-organisations are under it with the kinds they "
                "are registered with: %(children)s. %(error)s An organisation is changed before the ones under it, "
                "so first import a file that changes the kinds of those sub-organisations or moves them elsewhere, "
                "then this one."
            )
            % {"name": existing, "kind": OrgKind(node.kind).label, "children": names, "error": blocking[0][1]},
        )

    def _loops(self) -> None:
        """Rows that would sit under themselves (A under B under A) are refused, every one of the
        loop; the others get their depth in the tree the file makes, for writing parents first."""
        depths: dict[Node, int | None] = {}  # None: not placed (a loop, or a parent not found)
        for start in self.nodes:
            chain: list[Entity] = []
            entity: Entity | None = start
            base: int | None = None
            while len(chain) <= len(self.nodes) + len(self.by_pk):
                if isinstance(entity, Node):
                    if entity in depths:
                        base = depths[entity]
                        break
                    if entity in chain:  # a loop: every row in it is refused
                        at = chain.index(entity)
                        loop = [e for e in chain[at:] if isinstance(e, Node)]
                        names = " → ".join(_name_of(e) for e in [*chain[at:], entity])
                        for member in loop:
                            member.result.reject(
                                column(self.roster, "parent"),
                                member.parent_ref,
                                _(
                                    "These organisations would sit under each other in a loop (%(loop)s). Correct "
                                    "the parent of one of them."
                                )
                                % {"loop": names},
                            )
                            depths[member] = None
                        chain = chain[:at]
                        break
                    chain.append(entity)
                    entity = entity.parent
                elif entity is None:  # a parent not found
                    break
                elif entity.pk == self.target.pk:
                    base = 0
                    break
                else:  # a registered organisation the file does not name: it stays where it is
                    chain.append(entity)
                    entity = self._up(entity)
            for entity in reversed(chain):
                base = None if base is None else base + 1
                if isinstance(entity, Node):
                    depths[entity] = base
        for node in self.nodes:
            node.depth = depths.get(node) or 0

    def _repeated_names(self) -> None:
        """Two organisations of one name under one parent cannot be told apart: refused."""
        under: dict[Any, dict[str, Entity]] = {}

        def key(entity: Entity) -> Any:
            return ("row", id(entity)) if isinstance(entity, Node) else ("org", entity.pk)

        for org in self.by_pk.values():
            if org.pk in self.bound or org.pk == self.target.pk:
                continue
            parent = self._up(org)
            if parent is not None:
                under.setdefault(key(parent), {}).setdefault(fold(org.name), org)
        name_column = column(self.roster, "name")
        for node in sorted(self.nodes, key=lambda n: n.row):
            if node.parent is None or not node.name or any(p["column"] == name_column for p in node.result.problems):
                continue
            siblings = under.setdefault(key(node.parent), {})
            other = siblings.get(fold(node.name))
            if other is None:
                siblings[fold(node.name)] = node
            elif isinstance(other, Node):
                node.result.reject(
                    column(self.roster, "name"),
                    node.name,
                    _("Row %(row)d has the same name under the same parent: give one of them another name.")
                    % {"row": other.row},
                )
            else:
                node.result.reject(
                    column(self.roster, "name"),
                    node.name,
                    _(
                        "%(parent)s already has a sub-organisation named “%(name)s” (code %(code)s). If this row is "
                        "that one, write its code; if not, give it another name."
                    )
                    % {"parent": _name_of(node.parent), "name": node.name, "code": other.code or "—"},
                )

    def _enterprises(self) -> None:
        roster = self.roster
        refs = [r for node in self.nodes for r in node.enterprise_refs]
        if not refs:
            return
        by_code: dict[str, Enterprise] = {}
        by_name: dict[str, list[Enterprise]] = {}
        for supervised in orgs.enterprises_supervised_under(self.target).select_related("party_org"):
            by_code[supervised.uscc] = supervised
            by_name.setdefault(fold(supervised.name), []).append(supervised)
        claimed: dict[int, Node] = {}
        for node in sorted(self.nodes, key=lambda n: n.row):
            for ref in node.enterprise_refs:
                ent: Enterprise | None = by_code.get(normalize_uscc(ref))
                if ent is None:
                    named = by_name.get(fold(ref), [])
                    if len(named) > 1:
                        node.result.reject(
                            column(roster, "enterprises"),
                            ref,
                            _("%(n)d enterprises are named “%(name)s”: write the credit code of the one it covers.")
                            % {"n": len(named), "name": ref},
                        )
                        continue
                    ent = named[0] if named else None
                if ent is None:
                    node.result.notes.append(
                        _(
                            "“%(name)s” is not registered under %(target)s yet: it is linked when the enterprises are "
                            "imported (their “party organisation” column)."
                        )
                        % {"name": ref, "target": self.target}
                    )
                    continue
                if ent.pk in claimed:
                    node.result.reject(
                        column(roster, "enterprises"),
                        ref,
                        _("Row %(row)d covers %(name)s too: an enterprise is covered by one party organisation.")
                        % {"row": claimed[ent.pk].row, "name": ent},
                    )
                    continue
                claimed[ent.pk] = node
                if node.kind is not None and node.kind not in PARTY_UNIT_KINDS:
                    node.result.reject(
                        column(roster, "enterprises"),
                        ref,
                        _(
                            "A %(kind)s covers no enterprise: name the enterprise on the row of its own party "
                            "organisation (a committee, general branch, branch or joint branch)."
                        )
                        % {"kind": OrgKind(node.kind).label},
                    )
                    continue
                current = ent.party_org if ent.party_org_id else None
                if current is not None and node.existing is not None and current.pk == node.existing.pk:
                    continue
                if current is not None and current.pk in self.by_pk:
                    node.result.notes.append(
                        _("%(enterprise)s is covered by %(org)s now; it will be covered by this organisation.")
                        % {"enterprise": ent, "org": current}
                    )
                elif current is not None:  # not named: it is outside what the uploader sets up
                    node.result.notes.append(
                        _(
                            "%(enterprise)s is covered by an organisation outside %(target)s now; it will be covered "
                            "by this organisation."
                        )
                        % {"enterprise": ent, "target": self.target}
                    )
                try:  # as update_enterprise will validate it (the organisation as this row makes it)
                    org_services.validated_enterprise(enterprise=ent, party_org=self._stand_in(node))
                except ValidationError as exc:
                    node.result.reject(
                        column(roster, "enterprises"),
                        ref,
                        _("%(enterprise)s cannot be covered by this organisation as registered now: %(why)s")
                        % {"enterprise": ent, "why": " ".join(exc.messages)},
                    )
                    continue
                node.links.append(ent)

    def _stand_in(self, node: Node) -> Organization:
        """The organisation a row will be when its enterprises are linked (not saved)."""
        org = copy.copy(node.existing) if node.existing is not None else Organization(name=node.name)
        org.kind = node.kind or org.kind
        return org

    # --- codes for every organisation ------------------------------------------------------------

    def _give_codes(self) -> None:
        """Rows without a code (new ones, or registered ones that have none) get one, parents first:
        the nearest ancestor's code, "-" and the first free number (01, 02 … 100), unique among
        the codes registered anywhere and those in the file."""
        ancestors = {o.pk: o for o in orgs.orgs_with_pks(self.target.ancestor_ids())}
        taken: dict[str, set[str]] = {}  # a base → the codes under it registered or given so far

        def free(base: str, width: int) -> str:
            if base not in taken:
                registered = orgs.orgs_where(Q(code__istartswith=f"{base}-")).values_list("code", flat=True)
                taken[base] = {code_key(c) for c in registered if c} | set(self.file_code)
            number = 1
            while code_key(f"{base}-{number:0{width}d}") in taken[base]:
                number += 1
            code = f"{base}-{number:0{width}d}"
            taken[base].add(code_key(code))
            return code

        for node in sorted(self.nodes, key=lambda n: (n.depth or 10**6, n.row)):
            if node.rejected:
                continue
            existing = node.existing.code if node.existing is not None else None
            if node.code:
                # The registered spelling when only the case differs.
                same = existing and code_key(existing) == code_key(node.code)
                node.final_code = existing if same and existing else node.code
            elif existing:
                node.final_code = existing
            else:
                code = free(self._base_code(node, ancestors), 2)
                if len(code) > CODE_MAX:  # a very deep tree of long codes: numbered under the target instead
                    code = free(self.target.code or f"O{self.target.pk}", 3)
                node.final_code, node.generated = code, True

    def _base_code(self, node: Node, ancestors: dict[int, Organization]) -> str:
        entity: Entity | None = node.parent
        seen = 0
        while entity is not None and seen < 1000:
            seen += 1
            if isinstance(entity, Node):
                if entity.final_code:
                    return entity.final_code
                entity = entity.parent
                continue
            if entity.code:
                return entity.code
            if entity.pk == self.target.pk:
                break
            entity = self._up(entity)
        for pk in reversed(self.target.path_ids()):
            org = self.target if pk == self.target.pk else ancestors.get(pk)
            if org is not None and org.code:
                return org.code
        return f"O{self.target.pk}"

    # --- outcomes -------------------------------------------------------------------------------

    def _outcomes(self) -> None:
        roster = self.roster
        for node in self.nodes:
            result = node.result
            if node.rejected:
                continue
            if node.generated:
                result.notes.append(
                    _(
                        "Its code is %(code)s (given, as the file has none): member rosters, the API and "
                        "import_roster --into name it by this code."
                    )
                    % {"code": node.final_code}
                )
            elif not node.code:
                result.notes.append(_("Its code is %(code)s.") % {"code": node.final_code})
            existing = node.existing
            if existing is None:
                result.outcome = RowOutcome.CREATED
                continue
            changed = result.changed
            # Only a change people would see: not full-width against half-width, nor case.
            if fold(node.name) != fold(existing.name):
                changed.append(label(roster, "name"))
            if node.name_en and fold(node.name_en) != fold(existing.name_en):
                changed.append(label(roster, "name_en"))
            if node.kind != existing.kind:
                changed.append(label(roster, "kind"))
            if node.final_code != existing.code:
                changed.append(label(roster, "code"))
            if node.founded_on is not None and node.founded_on != existing.founded_on:
                changed.append(label(roster, "founded_on"))
            if self._moves(node):
                changed.append(label(roster, "parent"))
                result.notes.append(
                    _("It moves from %(old)s to %(new)s, with everything under it.")
                    % {"old": str(self.by_pk.get(existing.parent_id or 0, "—")), "new": _name_of(node.parent)}
                )
            if node.links:
                changed.append(label(roster, "enterprises"))
            result.outcome = RowOutcome.UPDATED if changed else RowOutcome.UNCHANGED

    def _moves(self, node: Node) -> bool:
        if node.existing is None:
            return False
        parent = self._registered_parent(node.parent)
        return parent is None or parent.pk != node.existing.parent_id

    # --- writing ----------------------------------------------------------------------------------

    def write(self, actor: User | None) -> None:
        """Every row through the organisations' services, parents first; stops at the first that
        fails now (the row is refused with the service's reason; the caller rolls back)."""
        for node in sorted(self.nodes, key=lambda n: (n.depth, n.row)):
            try:
                self._write(node, actor)
            except ValidationError as exc:
                node.result.reject("", "", " ".join(exc.messages))
                return

    def _write(self, node: Node, actor: User | None) -> None:
        parent = node.parent
        parent_org = parent.org if isinstance(parent, Node) else parent
        if parent_org is None:  # the file's checks place every row under a written parent
            raise ValidationError(_("The parent organisation could not be written first."))
        fields: dict[str, Any] = {"name": node.name, "code": node.final_code}
        if node.name_en:
            fields["name_en"] = node.name_en
        if node.founded_on is not None:
            fields["founded_on"] = node.founded_on
        if node.existing is None:
            assert node.kind is not None
            node.org = org_services.create_organization(actor=actor, kind=node.kind, parent=parent_org, **fields)
        else:
            org = node.existing
            if fold(node.name) == fold(org.name):  # kept as registered (see _outcomes)
                fields.pop("name")
            if fold(node.name_en) == fold(org.name_en):
                fields.pop("name_en", None)
            org.refresh_from_db()  # a move above it has rewritten its path
            if self._moves(node):
                org = org_services.move_organization(actor=actor, org=org, new_parent=parent_org)
            node.org = org_services.update_organization(actor=actor, org=org, kind=node.kind, **fields)
        for ent in node.links:
            org_services.update_enterprise(actor=actor, enterprise=ent, party_org=node.org)


def checked(imp: RosterImport, roster: Roster, progress: Any = None) -> Iterator[RowResult]:
    """The dry run: every row's outcome; nothing written."""
    tree = Tree(imp, roster, progress)
    if progress is not None:
        progress(len(tree.nodes), len(tree.nodes))
    for node in tree.nodes:
        yield node.result


def write(imp: RosterImport, roster: Roster, *, actor: User | None) -> tuple[list[RowResult], int]:
    """Inside the import's transaction: the file checked again as a whole against what is
    registered now and, if no row is refused, written. Returns the rows' outcomes and how many
    were refused (then the caller rolls everything back)."""
    tree = Tree(imp, roster)
    if not any(node.rejected for node in tree.nodes):
        tree.write(actor)
    results = [node.result for node in tree.nodes]
    return results, sum(r.outcome == RowOutcome.REJECTED for r in results)


# --- the template ---------------------------------------------------------------------------------


def template_name() -> str:
    return _("party organisation tree template") + ".xlsx"


def template_bytes() -> bytes:
    """A blank tree sheet (a drop-down of kinds, codes kept as text), and its instructions with an
    example tree."""
    book = Workbook()
    sheet = book.sheet(_("Party organisation tree"))
    lists = book.sheet("lists")  # the kinds behind the drop-down, hidden
    lists.hide()
    kinds = kind_labels()
    for r, text in enumerate(kinds):
        lists.write_string(r, 0, text)
    for i, col in enumerate(ORG_COLUMNS):
        sheet.set_column(i, i, col.width, book.text_format if col.text else None)
        sheet.write_string(0, i, str(col.label), book.header_format)
        if col.key == "kind":
            source = f"=lists!$A$1:$A${len(kinds)}"
            sheet.data_validation(1, i, 5000, i, {"validate": "list", "source": source, "error_type": "warning"})
        if col.key == "founded_on":
            sheet.set_column(i, i, col.width, book.date_format)
    sheet.freeze_panes(1, 0)

    help_sheet = book.sheet(_("Instructions"))
    widths = (22, 22, 36, 70)
    for i, width in enumerate(widths):
        help_sheet.set_column(i, i, width)
    r = 0
    help_sheet.write_string(
        r,
        0,
        _(
            "Fill one row per party organisation under the header, in any order: each row names its parent by "
            "name or code, in the file or already registered. The file is checked as a whole and imported all at "
            "once or not at all; importing the same file twice changes nothing."
        ),
        book.note_format,
    )
    r += 1
    for i, text in enumerate((_("Column"), _("Required"), _("Also recognised as"), _("Notes"))):
        help_sheet.write_string(r, i, text, book.header_format)
    for col in ORG_COLUMNS:
        r += 1
        cells = (str(col.label), _("required") if col.required else "", " / ".join(col.synonyms[:4]), str(col.help))
        for i, text in enumerate(cells):
            if text:
                help_sheet.write_string(r, i, text)
    r += 2
    help_sheet.write_string(
        r,
        0,
        _(
            "An example: an enterprise's party committee, a branch under it and a party group under the branch. "
            "The committee's parent is blank, so it sits under the committee you import into; the codes left blank "
            "are given (the committee's code with -01, -02 …) and shown in the report."
        ),
        book.note_format,
    )
    r += 1
    example_columns = ("name", "kind", "parent", "enterprises")
    for i, key in enumerate(example_columns):
        help_sheet.write_string(r, i, next(str(c.label) for c in ORG_COLUMNS if c.key == key), book.header_format)
    example = (
        ("某公司党委", str(OrgKind.ENTERPRISE_COMMITTEE.label), "", "某公司"),
        ("第一党支部", str(OrgKind.BRANCH.label), "某公司党委", ""),
        ("第一党小组", str(OrgKind.PARTY_GROUP.label), "第一党支部", ""),
    )
    for cells in example:
        r += 1
        for i, value in enumerate(cells):
            if value:
                help_sheet.write_string(r, i, value)
    return book.close()
