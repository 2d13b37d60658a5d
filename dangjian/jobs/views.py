from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header

from dangjian.people.crypto import open_bytes

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
    response = HttpResponse(open_bytes(job.output), content_type=job.output_type or "application/octet-stream")
    # RFC 6266/5987: filename*=UTF-8''… carries a Chinese name to every current browser.
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=job.output_name)
    response["Cache-Control"] = "private, no-store"
    return response
