"""The pages app wires every app's choice sources into the one /lookup endpoint at start-up:
a source that an app defines but nobody registers would leave its forms' search boxes empty
(a 404 for every search) while the short lists still worked."""

from __future__ import annotations

from dangjian.ui.lookups import SOURCES

# Every source a form names (organizations, people, development, branchlife, production and
# selections and transfers `lookups` modules).
# Every source a form names (organizations, people, development, branchlife, production,
# selections and appraisal `lookups` modules).
FORM_SOURCES = {
    "org",
    "org.change",
    "org.committee",
    "org.party_unit",
    "enterprise",
    "team",
    "org.membership",
    "enterprise.employer",
    "team.employer",
    "person",
    "org.application",
    "person.applicant",
    "org.meeting",
    "org.calendar",
    "org.production",
    "enterprise.selection",
    "person.nominee",
    "org.transfer_own",
    "org.appraisal",
    "person.representative",
}


def test_every_source_a_form_names_is_registered():
    assert set(SOURCES) == FORM_SOURCES
