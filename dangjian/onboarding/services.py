"""The set-up page's writes: the county itself (step 0, through the organisations' service) and
the job that gives its logins (step 5). Each file of steps 1–4 goes through rosters.services,
each setting through its own app's service."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from dangjian.access.permissions import may_create_county, may_set_up
from dangjian.audit import services as audit
from dangjian.jobs import selectors as job_selectors
from dangjian.jobs.services import start_job
from dangjian.organizations import services as org_services
from dangjian.organizations.models import OrgKind

from .selectors import logins_job_kind
from .tasks import county_logins_task

if TYPE_CHECKING:
    from dangjian.access.models import User
    from dangjian.jobs.models import Job
    from dangjian.organizations.models import Organization


@audit.write_transaction
def create_county(
    *, actor: User, name: str, name_en: str = "", code: str = "", parent: Organization | None = None
) -> Organization:
    """Register a county committee (under a prefecture committee, or as a root), audited by the
    organisations' service."""
    if not may_create_county(actor):
        raise PermissionDenied
    return org_services.create_organization(
        actor=actor, kind=OrgKind.COUNTY_COMMITTEE, name=name, parent=parent, name_en=name_en, code=code
    )


@audit.write_transaction
def start_logins(*, actor: User, county: Organization, everyone: bool = False) -> Job:
    """Start the job giving the county's role holders (and, with `everyone`, all its people)
    who do not sign in yet a login code on printed sheets."""
    if not may_set_up(actor, county):
        raise PermissionDenied
    if job_selectors.unfinished_of_kind(logins_job_kind(county)) is not None:
        # A second run, anyone's, would withdraw the codes the first is printing on its sheets.
        raise ValidationError(_("This county's logins are being given already: wait until that has finished."))
    return start_job(
        actor=actor,
        kind=logins_job_kind(county),
        title=_("Logins for %(county)s") % {"county": county.display_name},
        task=county_logins_task,
        county_id=county.pk,
        everyone=everyone,
    )
