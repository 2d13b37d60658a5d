from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from dangjian.people.crypto import open_bytes
from dangjian.ui.downloads import attachment

from .models import Job
from .selectors import live


def _own_job(request, pk: int, *, with_output: bool = False) -> Job:
    # A job belongs to the person who started it; nobody else learns it exists.
    jobs = Job.objects.filter(pk=pk, requested_by=request.user)
    job = (jobs if with_output else jobs.defer("output")).first()
    if job is None:
        raise Http404
    return job


@login_required
def detail(request, pk):
    return render(request, "jobs/detail.html", {"job": live(_own_job(request, pk))})


@login_required
def progress(request, pk):
    job = live(_own_job(request, pk))
    # htmx stops polling when a response has status 286.
    return render(request, "jobs/_progress.html", {"job": job}, status=286 if job.finished else 200)


@login_required
def download(request, pk):
    job = _own_job(request, pk, with_output=True)
    if not job.has_output:
        raise Http404
    return attachment(open_bytes(job.output), job.output_name, job.output_type)
