"""The built-in 三好 (three-good branch) scheme: good leading team, good mechanisms, good results
(DOMAIN.md §4), offered to every committee. A data migration installs it; `install` takes the
model classes so the migration can pass its historical ones."""

from __future__ import annotations

from typing import Any

NAME = "三好党支部"
TITLE = "三好党支部"
DESCRIPTION = "班子好、机制好、成效好。计数项按评比基准日的记录计算，评议项由支部自评、指导员评议、县委组织部评定。"
CRITERIA = [
    # (group, name, weight, method, measure, full marks at)
    ("班子好", "支部班子健全、书记履职尽责、团结有力", 25, "reviewed", "", None),
    ("班子好", "“三会一课”等组织生活按时开展", 15, "counted", "meetings", 100),
    ("机制好", "制度健全、落实到位，党建与生产经营融合机制有效", 15, "reviewed", "", None),
    ("机制好", "指导员走访发现的问题按时整改", 10, "counted", "follow_ups", 100),
    ("成效好", "党员包联班组全覆盖", 10, "counted", "coverage", 100),
    ("成效好", "党员先锋岗获认定", 10, "counted", "posts", 3),
    ("成效好", "党员带头技能培训，工人考核合格", 10, "counted", "training", 10),
    ("成效好", "发展党员工作有进展", 5, "counted", "development", 3),
]


def install(scheme_model: Any, criterion_model: Any) -> Any:
    """The built-in scheme, created with its criteria if it is not there."""
    found = scheme_model.objects.filter(organization__isnull=True, name=NAME).first()
    if found is not None:
        return found
    scheme = scheme_model.objects.create(organization=None, name=NAME, title=TITLE, description=DESCRIPTION)
    for order, (group, name, weight, method, measure, target) in enumerate(CRITERIA, start=1):
        criterion_model.objects.create(
            scheme=scheme,
            order=order,
            group=group,
            name=name,
            weight=weight,
            method=method,
            measure=measure,
            target=target,
        )
    return scheme
