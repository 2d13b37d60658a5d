"""The background workers as their supervisor last saw them, for the operator: which process on
which machine serves which queues, and which job it has been running since when. Read-only: the
rows are the supervisor's heartbeat (jobs.workers), never edited by hand."""

from __future__ import annotations

from django.contrib import admin

from dangjian.ui.admin import ReadOnlyModelAdmin

from .models import WorkerBeat


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnlyModelAdmin):
    list_display = ("worker_id", "host", "pid", "queues", "job", "job_started_at", "started_at", "last_seen")
    list_select_related = ("job",)
    ordering = ("queues", "worker_id")
    readonly_fields = list_display
