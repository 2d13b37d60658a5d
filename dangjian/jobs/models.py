"""Long work done in the background (imports, PDF batches, reminders, chain checks) and the
progress its user watches. The work itself runs through Django's task API (django-tasks, the
database backend and its `db_worker`); a Job is what the person who asked for it sees."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    FAILED = "failed", _("Failed")


class Job(models.Model):
    kind = models.CharField(_("kind"), max_length=50)
    title = models.CharField(_("title"), max_length=200)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.CASCADE, related_name="jobs"
    )
    status = models.CharField(_("status"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    message = models.CharField(_("message"), max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    task_result_id = models.CharField(max_length=64, blank=True)
    # The file the job produced (an export, a report), sealed like the ID numbers it may hold
    # (people.crypto.seal_bytes); only its requester downloads it.
    output = models.BinaryField(blank=True, default=b"", editable=False)
    output_name = models.CharField(_("file name"), max_length=200, blank=True)
    output_type = models.CharField(max_length=100, blank=True)
    output_size = models.PositiveIntegerField(_("file size"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        return min(int(self.done * 100 / self.total), 100) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in {JobStatus.DONE, JobStatus.FAILED}

    @property
    def has_output(self) -> bool:
        # Decided on the name, so pages can defer the (large) file itself.
        return bool(self.output_name)


class WorkerBeat(models.Model):
    """A worker process as its supervisor (`manage.py run_workers`) last saw it: which queues it
    serves, the job it runs and when. The health endpoint reads these; the sweep tells a dead
    worker's job from one still running by them."""

    worker_id = models.CharField(_("worker"), max_length=64, unique=True)
    host = models.CharField(_("machine"), max_length=255)
    pid = models.PositiveIntegerField(_("process id"), default=0)
    queues = models.CharField(_("queues"), max_length=200)  # comma-separated
    job = models.ForeignKey(
        Job, verbose_name=_("current job"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    job_started_at = models.DateTimeField(_("job started at"), null=True, blank=True)
    started_at = models.DateTimeField(_("worker started at"))
    last_seen = models.DateTimeField(_("last seen"), db_index=True)

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")

    def __str__(self) -> str:
        return self.worker_id

    @property
    def queue_names(self) -> list[str]:
        return [q for q in self.queues.split(",") if q]


class DailyRun(models.Model):
    """One day's run of a scheduled daily task (the reminders, the birthday greetings), claimed
    by the first supervisor to see it due: the unique (name, day) makes it run once a day however
    many supervisors run (jobs.schedule)."""

    name = models.CharField(_("task"), max_length=64)
    day = models.DateField(_("day"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("daily run")
        verbose_name_plural = _("daily runs")
        constraints = [models.UniqueConstraint(fields=["name", "day"], name="one_daily_run_a_day")]
        ordering = ["-day", "name"]

    def __str__(self) -> str:
        return f"{self.name} {self.day}"

    def audit_org_path(self) -> str:
        return ""
