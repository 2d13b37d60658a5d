"""The demo scenario (DOMAIN.md §6): Bayingolin → Hejing county → the industrial park and the
garment company of the source article, with 68 enterprises in Hejing and two more counties for
breadth.

The parts are built by `dangjian.demo.build` (one module per thing built) from the tables in
`dangjian.demo.data`, and the garment branch's meetings by `dangjian.demo.meetings`. Everything
is written through the real services (organizations, people, access, development, branchlife,
production, indicators) with actor=None, so every row has its audit event and every person their blind
index; the caller wraps the build in `audit_source("command")` and one transaction. Randomness comes from a seeded
generator, and dates are placed relative to `today` so deadlines and reminders are live when the
demo is opened.
"""

from __future__ import annotations

from dangjian.demo import meetings
from dangjian.demo.build.appraisal import build_appraisal
from dangjian.demo.build.base import SEED, Builder, Summary, branch_founding_date
from dangjian.demo.build.dues import build_dues
from dangjian.demo.build.enterprises import build_enterprises
from dangjian.demo.build.garment import build_garment
from dangjian.demo.build.guidance import build_appraisals, build_guidance
from dangjian.demo.build.indicators import build_indicators
from dangjian.demo.build.logins import build_instructors, build_logins
from dangjian.demo.build.production import build_production
from dangjian.demo.build.ratings import build_ratings
from dangjian.demo.build.selections import build_selections
from dangjian.demo.build.summary import summarize
from dangjian.demo.build.transfers import build_transfers
from dangjian.demo.build.tree import build_cadres, build_tree
from dangjian.demo.data.enterprises import HEJING_ENTERPRISES, HEJING_SPECS, OTHER_SPECS
from dangjian.demo.data.garment import GARMENT_BRANCH_NAME, GARMENT_NAME, GARMENT_NAME_EN
from dangjian.demo.data.people import DEMO_PASSWORD, DEMO_USERNAMES, LOGINS
from dangjian.demo.data.places import HEJING_CODE, PREFECTURE_CODE

# What the command and the tests read of the scenario.
__all__ = [
    "DEMO_PASSWORD",
    "DEMO_USERNAMES",
    "GARMENT_BRANCH_NAME",
    "GARMENT_NAME",
    "GARMENT_NAME_EN",
    "HEJING_CODE",
    "HEJING_ENTERPRISES",
    "LOGINS",
    "PREFECTURE_CODE",
    "SEED",
    "DemoBuilder",
    "Summary",
    "branch_founding_date",
    "summarize",
]


class DemoBuilder(Builder):
    """The whole demo, in the order its parts need each other (one random stream: the order is
    part of the data)."""

    def build(self) -> Summary:
        build_tree(self)
        build_cadres(self)
        build_garment(self)
        hejing = build_enterprises(self, HEJING_SPECS)
        self.hejing_enterprises.extend(hejing)
        assert len(self.hejing_enterprises) == HEJING_ENTERPRISES
        build_enterprises(self, OTHER_SPECS)
        build_instructors(self)
        build_logins(self)
        self.meetings = meetings.build(self, self.seed)
        meetings.records_elsewhere(self, self.seed)
        # Party building in production, last: its own random stream, after the people it names.
        build_production(self)
        # The instructors' visits and follow-ups: their own stream too.
        build_guidance(self)
        # This year's 三好 round, on the records above: its own stream.
        build_ratings(self)
        # Last year's visits and the county's appraisal of it: a stream of their own.
        build_appraisals(self)
        # The garment company's two pacesetter rounds, the second in its vote: a stream of their own.
        build_selections(self)
        # The democratic appraisal: last year's at the park's joint branch, this year's at the
        # garment branch in progress: a stream of its own.
        build_appraisal(self)
        # Two years of the teams' monthly production figures, on the charges above: their own stream.
        build_indicators(self)
        # The founding members' transfers from the park's joint branch, and one member moving to
        # another county this month: a stream of their own.
        build_transfers(self)
        # The garment branch's party dues since May: their own stream.
        build_dues(self)
        return summarize()
