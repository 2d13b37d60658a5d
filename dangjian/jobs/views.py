from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

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


def go_to_job(request: HttpRequest, job: Job) -> HttpResponse:
    """Send the browser to the page of a job just started: an htmx request is told where to go
    with HX-Redirect (a redirect would be swapped into the page), any other gets a redirect."""
    url = reverse("jobs:detail", args=[job.pk])
    if request.headers.get("HX-Request"):
        response = HttpResponse()
        response["HX-Redirect"] = url
        return response
    return redirect(url)


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
