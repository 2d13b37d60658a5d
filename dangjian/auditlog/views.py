"""The audit log pages: the global log, an object's history, the chain check as a job."""

from __future__ import annotations

import json

from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dangjian.access.permissions import global_log_refused, may_read_global_log
from dangjian.access.scopes import AUDIT, resource_of
from dangjian.access.shortcuts import get_in_scope
from dangjian.audit import sealing
from dangjian.audit import services as audit
from dangjian.audit.models import Action, Source
from dangjian.audit.selectors import object_history
from dangjian.jobs.services import start_job
from dangjian.ui.paging import paginate, query_without

from . import selectors
from .reading import readable
from .tasks import verify_chain_task

# The objects whose history pages exist; each is checked with the scope rule for AUDIT.
HISTORY_MODELS = {
    "organization": "organizations.Organization",
    "enterprise": "organizations.Enterprise",
    "unit": "organizations.ProductionUnit",
    "person": "people.Person",
}


@login_required
def log(request):
    if not may_read_global_log(request.user):
        raise global_log_refused()
    qs = selectors.visible_events(request.user).select_related(None)
    action = request.GET.get("action", "")
    if action in Action.values:
        qs = qs.filter(action=action)
    source = request.GET.get("source", "")
    if source in Source.values:
        qs = qs.filter(source=source)
    actor = request.GET.get("actor", "").strip()
    if actor:
        qs = qs.filter(actor_name__iexact=actor)
    page = paginate(request, qs.order_by("-id"))
    filtered = [
        str(label)
        for value, choices in ((action, Action.choices), (source, Source.choices))
        for v, label in choices
        if v == value
    ] + ([_("by %(user)s") % {"user": actor}] if actor else [])
    return render(
        request,
        "audit/log.html",
        {
            "page": page,
            "rows": readable(page.object_list, request.user),
            "filtered": filtered,
            "actions": Action.choices,
            "sources": Source.choices,
            "action": action,
            "source": source,
            "actor": actor,
            "querystring": query_without(request, "page"),
            "seals": sealing.status(),
        },
    )


@login_required
def checkpoint(request):
    """The newest seal as a checkpoint to keep outside the server (e-mailed to the organisation
    department, printed): `verify_audit --against` compares the database with it later."""
    if not may_read_global_log(request.user):
        raise global_log_refused()
    latest = sealing.status().last_seal
    if latest is None:
        raise Http404
    point = sealing.checkpoint(latest)
    audit.record(
        actor=request.user,
        action=Action.EXPORT,
        object_type="audit.AuditSeal",
        object_id=latest.pk,
        object_repr=_("Audit checkpoint of seal #%(seal)s") % {"seal": latest.pk},
        changes={"hash": point["hash"]},
    )
    response = HttpResponse(json.dumps(point, sort_keys=True) + "\n", content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="audit-checkpoint-{latest.pk}.jsonl"'
    return response


@login_required
@require_POST
def verify(request):
    if not may_read_global_log(request.user):
        raise global_log_refused()
    job = start_job(actor=request.user, kind="verify_audit", title=_("Audit chain check"), task=verify_chain_task)
    return redirect("jobs:detail", job.pk)


@login_required
def history(request, kind, pk):
    label = HISTORY_MODELS.get(kind)
    if label is None:
        raise Http404
    model = apps.get_model(label)
    resource_of(model)
    obj = get_in_scope(request.user, model, pk, AUDIT)
    page = paginate(request, object_history(label, obj.pk))
    return render(
        request,
        "audit/history.html",
        {
            "obj": obj,
            "page": page,
            "rows": readable(page.object_list, request.user),
            "kind": kind,
            "querystring": query_without(request, "page"),
        },
    )
