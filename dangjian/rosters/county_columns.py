"""The columns of the three files a county sets itself up with (docs/onboarding.md): its
enterprises (kind "enterprises", with an optional second sheet of workshops and teams), its party
organisation tree ("org_tree") and the holders of its roles ("role_holders"). Headers are matched
as the rosters' are (folded, in either language or a synonym); the same labels head the
templates, so a template filled in imports unchanged."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ENTERPRISES = "enterprises"
ORG_TREE = "org_tree"
ROLE_HOLDERS = "role_holders"
COUNTY_KINDS = (ORG_TREE, ENTERPRISES, ROLE_HOLDERS)
UNITS = "enterprise_units"  # the enterprises file's second sheet, read with its own header


@dataclass(frozen=True)
class SheetColumn:
    key: str
    label: Promise
    synonyms: tuple[str, ...] = ()
    required: bool = False
    width: int = 16
    help: Promise | str = ""
    text: bool = False


ENTERPRISE_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("name", _("Enterprise"), ("企业名称", "企业", "单位名称", "名称", "enterprise name"), True, 30),
    SheetColumn(
        "uscc",
        _("Unified social credit code"),
        ("统一社会信用代码", "信用代码", "社会信用代码", "credit code", "uscc"),
        True,
        22,
        _("18 characters; its check character is verified."),
        True,
    ),
    SheetColumn(
        "ownership",
        _("Ownership"),
        ("所有制", "所有制性质", "企业性质", "经济类型", "ownership type"),
        True,
        14,
        _("Private, state-owned, collective, foreign-invested, Hong Kong/Macao/Taiwan or mixed."),
    ),
    SheetColumn("industry", _("Industry"), ("行业", "所属行业", "行业类别"), False, 16),
    SheetColumn("address", _("Address"), ("地址", "注册地址", "经营地址", "企业地址"), False, 30),
    SheetColumn(
        "settled_on",
        _("Settled on"),
        ("入驻时间", "入驻日期", "落户时间", "入园时间", "settled in the park on"),
        False,
        12,
        _("YYYY-MM-DD."),
    ),
    SheetColumn(
        "supervising",
        _("Supervising committee"),
        ("主管党委", "上级党组织", "所属党委", "管理党委", "supervising party committee"),
        False,
        24,
        _("The county, park or township committee, by name or code; blank: the one you import into."),
    ),
    SheetColumn(
        "party_org",
        _("Party organisation"),
        ("所在党组织", "党组织", "覆盖党组织", "党组织名称", "party organisation covering it"),
        False,
        28,
        _(
            "The party organisation that covers the enterprise (its own, or a joint branch), by name or code, "
            "under the committee you import into; import the party organisation tree first. Blank: none yet."
        ),
    ),
    SheetColumn("name_en", _("English name"), ("英文名称", "name in english"), False, 24),
)

# The optional second sheet of an enterprises file: one team a row.
UNIT_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "enterprise", _("Enterprise"), ("企业名称", "企业", "单位名称", "信用代码", "统一社会信用代码"), True, 30
    ),
    SheetColumn("workshop", _("Workshop"), ("车间", "厂房", "车间/厂房", "workshop or building"), False, 16),
    SheetColumn("team", _("Production team"), ("班组", "生产班组", "小组", "team"), True, 16),
)

ORG_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn("name", _("Organisation"), ("党组织名称", "组织名称", "党组织", "名称", "organisation name"), True, 30),
    SheetColumn(
        "kind",
        _("Kind"),
        ("类型", "组织类型", "组织类别", "党组织类别", "党组织类型", "类别", "organisation kind"),
        True,
        16,
        _(
            "Choose from the list: a park or township committee, an enterprise's party committee, a general branch, "
            "a party branch, a joint party branch or a party group. 党委, 总支, 支部, 联合支部 and 党小组 are "
            "understood too."
        ),
    ),
    SheetColumn(
        "parent",
        _("Parent organisation"),
        ("上级党组织", "上级组织", "上级", "隶属", "parent"),
        False,
        30,
        _("By name or code, anywhere in the file or already registered; blank: the one you import into."),
    ),
    SheetColumn(
        "code",
        _("Code"),
        ("组织代码", "党组织代码", "编码", "代码", "organisation code"),
        False,
        16,
        _(
            "Blank: one is given (shown in the report). Names the organisation in member rosters, the API and "
            "import_roster --into. A registered organisation is found by its code, or by its name under the same "
            "parent: to move one to another parent, give its code."
        ),
        True,
    ),
    SheetColumn(
        "founded_on",
        _("Founded on"),
        ("成立时间", "成立日期", "建立时间", "date founded"),
        False,
        12,
        _("YYYY-MM-DD; blank: left as registered."),
    ),
    SheetColumn(
        "enterprises",
        _("Enterprises covered"),
        ("覆盖企业", "所在企业", "单位", "联建企业", "enterprises"),
        False,
        36,
        _(
            "Names or credit codes, separated by 、 or ;. A joint branch covers several. An enterprise not "
            "registered yet is linked when the enterprises are imported."
        ),
    ),
    SheetColumn("name_en", _("English name"), ("英文名称", "name in english"), False, 24),
)

ROLE_COLUMNS: tuple[SheetColumn, ...] = (
    SheetColumn(
        "id_number",
        _("ID number"),
        ("身份证号", "身份证号码", "公民身份号码", "证件号码", "id no"),
        True,
        20,
        "",
        True,
    ),
    SheetColumn("name", _("Name"), ("姓名", "名字", "full name"), True, 12),
    SheetColumn(
        "role",
        _("Role"),
        ("职务", "角色", "岗位", "担任职务"),
        True,
        20,
        _("Branch secretary, committee member, organisation department, instructor, enterprise manager, statistician."),
    ),
    SheetColumn(
        "organization",
        _("Party organisation"),
        ("党组织", "所在党组织", "党组织名称", "组织"),
        False,
        28,
        _("For a secretary, committee member or the organisation department: by name or code."),
    ),
    SheetColumn(
        "enterprise",
        _("Enterprise"),
        ("企业", "企业名称", "联系企业", "指导企业", "信用代码"),
        False,
        28,
        _("For an instructor, manager or statistician: by name or credit code."),
    ),
    SheetColumn(
        "started_on",
        _("Held from"),
        ("任职时间", "任职日期", "起始日期", "from"),
        False,
        12,
        _("YYYY-MM-DD; blank: today."),
    ),
    SheetColumn(
        "ethnicity",
        _("Ethnicity"),
        ("民族",),
        False,
        10,
        _("Needed only for someone not yet registered (a county cadre, say)."),
    ),
    SheetColumn("phone", _("Phone"), ("手机", "手机号码", "电话", "联系电话"), False, 14, "", True),
)

COLUMNS_OF: dict[str, tuple[SheetColumn, ...]] = {
    ENTERPRISES: ENTERPRISE_COLUMNS,
    ORG_TREE: ORG_COLUMNS,
    ROLE_HOLDERS: ROLE_COLUMNS,
    UNITS: UNIT_COLUMNS,
}
# The columns of which a header row names at least one (and one more besides).
ANCHORS = {
    ENTERPRISES: {"uscc", "name"},
    ORG_TREE: {"kind", "name"},
    ROLE_HOLDERS: {"id_number", "role"},
    UNITS: {"team"},
}
