from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.access.permissions import refused
from dangjian.access.scopes import AUDIT, CHANGE, ENTERPRISE, UNIT, can, can_add_to, has_any
from dangjian.access.shortcuts import create_in_scope, get_in_scope, require_party_links
from dangjian.text import search_text
from dangjian.ui.forms import run_or_say, save_form_page
from dangjian.ui.paging import paginate, query_without, sort

from . import rules, selectors, services
from .forms import EnterpriseForm, MoveForm, OrganizationForm, UnitForm
from .models import Enterprise, Organization, Ownership, ProductionUnit


def _org_url(org: Organization) -> str:
    return reverse("organizations:detail", args=[org.pk])


def _enterprise_url(ent: Enterprise) -> str:
    return reverse("organizations:enterprise_detail", args=[ent.pk])


@login_required
def tree(request):
    roots = selectors.tree_roots(request.user)
    return render(request, "organizations/tree.html", {"roots": roots})


@login_required
def children(request, pk):
    org = get_in_scope(request.user, Organization, pk)
    return render(request, "organizations/_children.html", {"nodes": selectors.children_with_counts(request.user, org)})


@login_required
def detail(request, pk):
    org = get_in_scope(request.user, Organization.objects.select_related("parent"), pk)
    statuses = selectors.subtree_statuses(org)
    figures = selectors.org_figures(org, statuses)
    warning = rules.kind_warning(org.kind, figures["members"], figures["full_members"])
    covered = selectors.visible_enterprises(request.user).filter(party_org__path__startswith=org.path)[:20]
    parent_visible = org.parent is not None and can(request.user, "view", org.parent)
    return render(
        request,
        "organizations/detail.html",
        {
            "org": org,
            "figures": figures,
            "warning": warning,
            "nodes": selectors.children_with_counts(request.user, org),
            "covered": covered,
            "chart": selectors.status_breakdown(org, statuses),
            "members": [] if org.is_committee else selectors.members_of(request.user, org),
            "teams": [] if org.is_committee else selectors.teams_covered(request.user, org),
            "parent_visible": parent_visible,
            "may_change": can(request.user, CHANGE, org),
            "may_audit": can(request.user, AUDIT, org),
        },
    )


@login_required
def create(request):
    parent = get_in_scope(request.user, Organization, request.GET.get("parent"), CHANGE)
    return save_form_page(
        request,
        OrganizationForm(request.POST or None),
        lambda data: create_in_scope(
            request.user, lambda: services.create_organization(actor=request.user, parent=parent, **data)
        ),
        done=_("Organisation created."),
        next_url=_org_url,
        title=_("New organisation"),
        subtitle=parent.display_name,
        cancel_url=_org_url(parent),
    )


@login_required
def edit(request, pk):
    org = get_in_scope(request.user, Organization, pk, CHANGE)
    return save_form_page(
        request,
        OrganizationForm(request.POST or None, instance=Organization.objects.get(pk=org.pk)),
        lambda data: services.update_organization(actor=request.user, org=org, **data),
        done=_("Changes saved."),
        title=_("Edit organisation"),
        subtitle=org.display_name,
        cancel_url=_org_url(org),
    )


@login_required
def move(request, pk):
    org = get_in_scope(request.user, Organization, pk, CHANGE)
    return save_form_page(
        request,
        MoveForm(request.POST or None, user=request.user, org=org),
        lambda data: services.move_organization(actor=request.user, org=org, new_parent=data["parent"]),
        done=_("Organisation moved."),
        title=_("Move organisation"),
        subtitle=org.display_name,
        cancel_url=_org_url(org),
    )


@login_required
@require_POST
def delete(request, pk):
    org = get_in_scope(request.user, Organization, pk, CHANGE)
    parent_id = org.parent_id
    if not run_or_say(
        request, lambda: services.delete_organization(actor=request.user, org=org), _("Organisation deleted.")
    ):
        return redirect("organizations:detail", org.pk)
    return redirect("organizations:detail", parent_id) if parent_id else redirect("organizations:tree")


# --- enterprises ---------------------------------------------------------------------------


@login_required
def enterprise_list(request):
    qs = selectors.filtered_enterprises(request.user, request.GET)
    q = search_text(request.GET.get("q"))
    ownership = request.GET.get("ownership", "")
    covered = request.GET.get("covered", "")
    qs, current_sort = sort(request.GET, qs, selectors.ENTERPRISE_SORTS, "name")
    page = paginate(request, qs)
    ctx = {
        "page": page,
        "q": q,
        "ownership": ownership,
        "covered": covered,
        "sort": current_sort,
        "ownerships": Ownership.choices,
        "querystring": query_without(request, "page"),
        "sort_querystring": query_without(request, "page", "sort"),
        "may_create": has_any(request.user, ENTERPRISE, CHANGE),
    }
    template = (
        "organizations/_enterprise_rows.html"
        if request.headers.get("HX-Request")
        else "organizations/enterprise_list.html"
    )
    return render(request, template, ctx)


@login_required
def enterprise_detail(request, pk):
    ent = get_in_scope(request.user, selectors.visible_enterprises(request.user), pk)
    return render(
        request,
        "organizations/enterprise_detail.html",
        {
            "ent": ent,
            "figures": selectors.enterprise_figures(ent),
            "units": selectors.teams_with_counts(ent),
            "may_change": can(request.user, CHANGE, ent),
            "may_audit": can(request.user, AUDIT, ent),
            "may_change_units": can_add_to(request.user, UNIT, ent),
            "party_org_visible": ent.party_org is not None and can(request.user, "view", ent.party_org),
        },
    )


@login_required
def enterprise_create(request):
    if not has_any(request.user, ENTERPRISE, CHANGE):
        raise refused((ENTERPRISE, CHANGE))

    def create(data):
        require_party_links(request.user, Enterprise(), data["supervising_org"], data["party_org"])
        return services.create_enterprise(actor=request.user, **data)

    return save_form_page(
        request,
        EnterpriseForm(request.POST or None, user=request.user),
        lambda data: create_in_scope(request.user, lambda: create(data)),
        done=_("Enterprise created."),
        next_url=_enterprise_url,
        title=_("New enterprise"),
        subtitle="",
        cancel_url=reverse("organizations:enterprise_list"),
    )


@login_required
def enterprise_edit(request, pk):
    ent = get_in_scope(request.user, Enterprise, pk, CHANGE)

    def update(data):
        require_party_links(request.user, ent, data["supervising_org"], data["party_org"])
        return services.update_enterprise(actor=request.user, enterprise=ent, **data)

    return save_form_page(
        request,
        EnterpriseForm(request.POST or None, instance=Enterprise.objects.get(pk=ent.pk), user=request.user),
        update,
        done=_("Changes saved."),
        title=_("Edit enterprise"),
        subtitle=ent.display_name,
        cancel_url=_enterprise_url(ent),
    )


@login_required
def unit_create(request, pk):
    ent = get_in_scope(request.user, Enterprise, pk)
    return save_form_page(
        request,
        UnitForm(request.POST or None, enterprise=ent),
        lambda data: create_in_scope(
            request.user, lambda: services.create_unit(actor=request.user, enterprise=ent, **data)
        ),
        done=_("Production unit created."),
        title=_("New workshop or team"),
        subtitle=ent.display_name,
        cancel_url=_enterprise_url(ent),
    )


@login_required
def unit_edit(request, pk):
    unit = get_in_scope(request.user, ProductionUnit.objects.select_related("enterprise"), pk, CHANGE)
    return save_form_page(
        request,
        UnitForm(request.POST or None, instance=ProductionUnit.objects.get(pk=unit.pk), enterprise=unit.enterprise),
        lambda data: services.update_unit(
            actor=request.user, unit=unit, **{k: v for k, v in data.items() if k != "kind"}
        ),
        done=_("Changes saved."),
        title=_("Edit workshop or team"),
        subtitle=unit.display_name,
        cancel_url=_enterprise_url(unit.enterprise),
    )


@login_required
@require_POST
def unit_delete(request, pk):
    unit = get_in_scope(request.user, ProductionUnit, pk, CHANGE)
    ent_id = unit.enterprise_id
    run_or_say(request, lambda: services.delete_unit(actor=request.user, unit=unit), _("Production unit deleted."))
    return redirect("organizations:enterprise_detail", ent_id)
