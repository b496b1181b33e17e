"""A Delivery row is the truth about one post going to one channel."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.jobs import models as jobs


class Delivery(jobs.WorkRow):
    """Also a row of the job engine (kind ``delivery.send``, in ``background``): queued,
    claimed with a lease while its channel is called, settled with the outcome."""

    class Status(models.TextChoices):
        QUEUED = jobs.QUEUED, _("Queued")
        RUNNING = jobs.RUNNING, _("Sending")
        PUBLISHED = "published", _("Published")
        FAILED = jobs.FAILED, _("Failed")
        NEEDS_REAUTH = "needs_reauth", _("Needs re-authorisation")
        # A channel without a posting API (Xing): an editor posts by hand and confirms.
        MANUAL = "manual", _("Waiting to be posted by hand")

    class Action(models.TextChoices):
        PUBLISH = "publish", _("Publish")
        UPDATE = "update", _("Update")
        WITHDRAW = "withdraw", _("Withdraw")
        REPLY = "reply", _("Reply")

    # A post to a channel, or (action "reply") an answer to a citizen through the channel
    # the question came from.
    post = models.ForeignKey(
        "posts.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="deliveries"
    )
    message = models.ForeignKey(
        "inbox.Message",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    channel = models.CharField(max_length=40)
    action = models.CharField(max_length=10, choices=Action.choices, default=Action.PUBLISH)
    content_hash = models.CharField(max_length=64)
    # post + channel + action + content version: the same version never goes out twice.
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    remote_id = models.CharField(max_length=300, blank=True)
    remote_url = models.URLField(max_length=500, blank=True)
    # The remote ids of a thread's parts sent so far, so that a retry goes on where the
    # last attempt stopped instead of posting the first parts again.
    remote_parts = models.JSONField(default=list, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(post__isnull=False, message__isnull=True)
                | models.Q(post__isnull=True, message__isnull=False),
                name="delivery_of_post_or_message",
            )
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        subject = f"post#{self.post_id}" if self.post_id else f"message#{self.message_id}"
        return f"{self.channel} {self.action} {subject}: {self.status}"

    @property
    def office(self):
        return self.post.office if self.post_id else self.message.office

    @property
    def subject(self) -> models.Model:
        """What the audit log files this delivery under: the post or the conversation."""
        return self.post if self.post_id else self.message.conversation

    @property
    def can_retry(self) -> bool:
        return self.status in RETRYABLE


class ChannelDefault(models.Model):
    """Where posts of one category go by default, per office: e.g. emergencies go
    everywhere, council dates only to the newsroom, the Fediverse and the newsletter.

    No row for a category means every channel. The newsroom always gets every post: it is
    the original the other channels copy."""

    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="channel_defaults"
    )
    category = models.CharField(_("category"), max_length=20)
    channels = models.JSONField(_("channels"), default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["office", "category"], name="channel_default_once")
        ]
        verbose_name = _("default channels")
        verbose_name_plural = _("default channels")

    def __str__(self) -> str:
        return f"{self.office}: {self.category}"


# Stopped deliveries a person can send again; a public post with one is "partly published".
RETRYABLE = (Delivery.Status.FAILED, Delivery.Status.NEEDS_REAUTH)
