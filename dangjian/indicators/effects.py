"""The effect analysis as the pages and the API ask for it: kept in the cache under the data's
version (selectors.data_version: any write to the figures or to the teams' coverage makes a new
one, so a kept answer is never stale), computed at once when the panel is small, and in the
background with progress when it is not (a county's or a prefecture's teams)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from dangjian.jobs import selectors as jobs
from dangjian.jobs.models import Job
from dangjian.jobs.services import Progress, run_job, start_job

from . import analysis, selectors
from .models import Indicator, Value

if TYPE_CHECKING:
    from dangjian.access.models import User

# Above this many team-months the analysis goes to the background, so that no page waits more
# than about 2 s: 10,000 team-months (420 teams × 24 months) took 1.2–2.5 s on these machines,
# 40,000 took 4–5 s (docs/benchmarks.md "Production indicators").
INLINE_OBSERVATIONS = 8_000
KEEP_SECONDS = 7 * 24 * 3600
JOB_KIND = "indicator_analysis"

ProgressFn = Callable[[int, int, str], None]


@dataclass(frozen=True)
class Answer:
    effect: analysis.Effect | None  # None: being computed (see job)
    job: Job | None = None
    progress: dict[str, Any] | None = None
    # The effect is the last one computed, for figures that have changed since; `job` is
    # computing the new one.
    stale: bool = False


def _key(indicator: Indicator, enterprise_ids: Sequence[int], version: str) -> str:
    digest = hashlib.sha256(",".join(map(str, sorted(enterprise_ids))).encode()).hexdigest()[:24]
    return f"indicators:effect:{version}:{indicator.pk}:{digest}"


def compute(enterprise_ids: Sequence[int], indicator: Indicator, progress: ProgressFn | None = None) -> analysis.Effect:
    tell = progress or (lambda done, total, message: None)
    tell(0, 3, _("Reading the figures"))
    observations, starts = selectors.analysis_panel(enterprise_ids, indicator)
    tell(1, 3, _("Comparing covered teams with teams not yet covered"))
    effect = analysis.estimate(observations, starts)
    tell(3, 3, _("Done"))
    return effect


def kept(indicator: Indicator, enterprise_ids: Sequence[int]) -> analysis.Effect | None:
    version = selectors.data_version()
    data = cache.get(_key(indicator, enterprise_ids, version)) if version else None
    return analysis.Effect.from_dict(data) if data else None


def _latest_key(indicator: Indicator, enterprise_ids: Sequence[int]) -> str:
    return _key(indicator, enterprise_ids, "latest")


def compute_and_keep(
    enterprise_ids: Sequence[int], indicator: Indicator, progress: ProgressFn | None = None
) -> analysis.Effect:
    version = selectors.data_version()  # read before the data: a write after it makes a new one
    effect = compute(enterprise_ids, indicator, progress)
    if version is not None:
        cache.set(_key(indicator, enterprise_ids, version), effect.as_dict(), KEEP_SECONDS)
    cache.set(_latest_key(indicator, enterprise_ids), effect.as_dict(), KEEP_SECONDS)
    return effect


def answer(user: User, indicator: Indicator, enterprise_ids: Sequence[int], title: str) -> Answer:
    """The kept result; else the result computed now if the panel is small; else the background
    job computing it (started if none is running for the same data)."""
    if (effect := kept(indicator, enterprise_ids)) is not None:
        return Answer(effect)
    size = Value.objects.filter(
        enterprise_id__in=enterprise_ids, indicator=indicator, team__isnull=False, value__isnull=False
    ).count()
    if size <= INLINE_OBSERVATIONS:
        return Answer(compute_and_keep(enterprise_ids, indicator))
    # One job at a time for the same enterprises and indicator, whatever writes come meanwhile
    # (while a county enters its month, each figure makes a new version): while it runs, the last
    # result computed is shown, marked as computed before the latest figures.
    job_key = _latest_key(indicator, enterprise_ids) + ":job"
    job = Job.objects.filter(pk=cache.get(job_key) or 0).first()
    if job is None or job.finished:
        job = start_job(
            actor=user,
            kind=JOB_KIND,
            title=title,
            task=analyse_task,
            indicator_id=indicator.pk,
            enterprise_ids=list(enterprise_ids),
        )
        cache.set(job_key, job.pk, KEEP_SECONDS)
        if (effect := kept(indicator, enterprise_ids)) is not None:
            return Answer(effect)  # a worker that runs the job at once (tests, a quiet queue) has done it
    latest = cache.get(_latest_key(indicator, enterprise_ids))
    previous = analysis.Effect.from_dict(latest) if latest else None
    return Answer(previous, job=job, progress=jobs.cached_progress(job.pk), stale=previous is not None)


@task()
def analyse_task(job_id: int, indicator_id: int, enterprise_ids: list[int]) -> dict[str, Any]:
    """A large analysis, in the background: its result kept as `answer` reads it."""
    indicator = Indicator.objects.get(pk=indicator_id)

    def work(progress: Progress) -> dict[str, Any]:
        effect = compute_and_keep(
            enterprise_ids, indicator, lambda done, total, message: progress(done, total, message, force=True)
        )
        return {"ok": True, "status": effect.status, "teams": effect.teams}

    with translation.override(jobs.requester_language_of(job_id)):
        return run_job(job_id, work)
