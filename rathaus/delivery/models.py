"""A Delivery row is the truth about one post going to one channel."""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.prefetch import GenericPrefetch
from django.db import models
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from rathaus.jobs import models as jobs

# The models a delivery carries, as (app label, model): a post, or an answer to a citizen.
POST = ("posts", "post")
MESSAGE = ("inbox", "message")


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

    # What goes out: a post to a channel, or (action "reply") an answer to a citizen through
    # the channel the question came from (an inbox message). Generic, because posts and the
    # inbox are layers above this one: they point here (their ``deliveries``), not this
    # table to them. Every subject has an ``office``.
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
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
        indexes = [
            models.Index(fields=["status", "next_attempt_at"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        model = ContentType.objects.get_for_id(self.subject_type_id).model
        return f"{self.channel} {self.action} {model}#{self.subject_id}: {self.status}"

    def carries(self, model: tuple[str, str]) -> bool:
        """Whether the subject is a ``POST`` or a ``MESSAGE``: from the content types
        Django keeps in memory, so no query, and the subject itself is not loaded."""
        return ContentType.objects.get_for_id(self.subject_type_id).natural_key() == model

    # Read access for the channels and the desk. None when the delivery carries the other.
    @property
    def post(self) -> Any:
        return self.subject if self.carries(POST) else None

    @property
    def post_id(self) -> int | None:
        return self.subject_id if self.carries(POST) else None

    @property
    def message(self) -> Any:
        """Our answer to a citizen, for a reply."""
        return self.subject if self.carries(MESSAGE) else None

    @property
    def message_id(self) -> int | None:
        return self.subject_id if self.carries(MESSAGE) else None

    @property
    def office(self) -> Any:
        return self.subject.office

    @property
    def audit_subject(self) -> models.Model:
        """What the audit log files this delivery under: the post or the conversation."""
        return self.subject.conversation if self.carries(MESSAGE) else self.subject

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


class Deliveries(GenericRelation):
    """``deliveries`` of a model a delivery carries (a post, a message): its rows, deleted
    with it, and ``Delivery.objects.filter(<query_name>=...)``, ``<query_name>__office``
    and the like in queries. Declared by the models above this layer, which may import it.

    Unlike a plain GenericRelation it puts no manager on Delivery under the query name,
    which would hide the ``post`` and ``message`` properties there."""

    def __init__(self, query_name: str, **kwargs: Any) -> None:
        super().__init__(
            Delivery,
            content_type_field="subject_type",
            object_id_field="subject_id",
            related_query_name=query_name,
            **kwargs,
        )

    def contribute_to_related_class(self, cls: type, related: Any) -> None:
        pass


def load_subjects(deliveries: list[Delivery]) -> list[Delivery]:
    """Load the subjects of ``deliveries`` with their offices, as a batch: one query per
    kind of subject, not two per delivery (a generic relation cannot be joined)."""
    kinds = {delivery.subject_type_id for delivery in deliveries}
    models_ = [ContentType.objects.get_for_id(pk).model_class() for pk in kinds]
    querysets = [model._base_manager.select_related("office") for model in models_ if model]
    prefetch_related_objects(deliveries, GenericPrefetch("subject", querysets))
    return deliveries


# Stopped deliveries a person can send again; a public post with one is "partly published".
RETRYABLE = (Delivery.Status.FAILED, Delivery.Status.NEEDS_REAUTH)
