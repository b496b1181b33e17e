"""Durable work rows. Every kind of background work keeps its state in the same columns, so
one engine can claim, settle and sweep all of them (``engine``)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The states the engine moves rows through; a kind may add outcome states of its own
# (a delivery's "published" or "needs_reauth"), which the engine leaves alone.
QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"


class WorkRow(models.Model):
    """A piece of work that must survive a restart. A row is due when it is ``queued`` and
    ``next_attempt_at`` has come; a worker that claims it holds a lease (``lease_token``
    until ``lease_until``) and only that worker may record its outcome.

    A kind's model sets ``status`` choices of its own (with the engine's values) and an
    index on ``("status", "next_attempt_at")``: claims and the tick read that."""

    status = models.CharField(max_length=20, default=QUEUED)
    # Attempts started so far; a claim counts one.
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    lease_until = models.DateTimeField(null=True, blank=True)
    lease_token = models.CharField(max_length=32, blank=True, default="")
    last_error = models.TextField(blank=True)

    class Meta:
        abstract = True


class Job(WorkRow):
    """Work with no row of its own: a timed publication, a moderation step on a platform,
    a recurring sweep. ``key`` names the thing the work is about, so it is queued once per
    kind and key; work without a key (None) is queued as often as it is asked for."""

    class Status(models.TextChoices):
        QUEUED = QUEUED, _("Queued")
        RUNNING = RUNNING, _("Running")
        DONE = DONE, _("Done")
        FAILED = FAILED, _("Failed")

    kind = models.CharField(max_length=60)
    key = models.CharField(max_length=200, null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=QUEUED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="job_once_per_kind_and_key")
        ]
        indexes = [models.Index(fields=["kind", "status", "next_attempt_at"], name="job_due")]
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")

    def __str__(self) -> str:
        return f"{self.kind} {self.key or self.pk}: {self.status}"
