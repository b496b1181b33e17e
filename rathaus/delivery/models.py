"""A Delivery row is the truth about one post going to one channel."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Delivery(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")
        NEEDS_REAUTH = "needs_reauth", _("Needs re-authorisation")

    class Action(models.TextChoices):
        PUBLISH = "publish", _("Publish")
        UPDATE = "update", _("Update")
        WITHDRAW = "withdraw", _("Withdraw")

    post = models.ForeignKey("posts.Post", on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.PUBLISH)
    content_hash = models.CharField(max_length=64)
    # post + channel + action + content version: the same version never goes out twice.
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"{self.channel} {self.action} post#{self.post_id}: {self.status}"

    @property
    def can_retry(self) -> bool:
        return self.status in RETRYABLE


# Stopped deliveries a person can send again; a public post with one is "partly published".
RETRYABLE = (Delivery.Status.FAILED, Delivery.Status.NEEDS_REAUTH)
