from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from .models import Job


def _own_job(request, pk: int) -> Job:
    # A job belongs to the person who started it; nobody else learns it exists.
    job = Job.objects.filter(pk=pk, requested_by=request.user).first()
    if job is None:
        raise Http404
    return job


@login_required
def detail(request, pk):
    return render(request, "jobs/detail.html", {"job": _own_job(request, pk)})


@login_required
def progress(request, pk):
    job = _own_job(request, pk)
    # htmx stops polling when a response has status 286.
    return render(request, "jobs/_progress.html", {"job": job}, status=286 if job.finished else 200)
