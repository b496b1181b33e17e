"""A notice for one person about a step of their office's work (a post submitted, sent
back, published; a delivery given up; an FAQ entry suggested; a conversation assigned,
a mention in a note, a conversation overdue), and whether they want it by mail too. It
points at a desk page by path, so it holds nothing of the step itself.

The one place for notifications: the inbox keeps none of its own. What a notification is
about is a plain key (``subject``, e.g. ``conversation:12``), not a foreign key: this app
sits below the inbox, and the inbox finds (and erases) the notifications of a conversation
by that key."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted for review")
        SENT_BACK = "sent_back", _("Sent back")
        APPROVED = "approved", _("Approved")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        DELIVERY_FAILED = "delivery_failed", _("Delivery failed")
        FAQ_SUGGESTED = "faq_suggested", _("Suggested for the FAQ")
        ASSIGNED = "assigned", _("Assigned to you")
        MENTIONED = "mentioned", _("Mentioned in a note")
        OVERDUE = "overdue", _("Overdue")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(max_length=500)
    # A path on the desk ("/desk/mitte/beitraege/4/"), never another host: see notify().
    url = models.CharField(max_length=300)
    # What it is about, where its owner must find it again ("conversation:12"); empty for
    # most. Indexed: erasing a conversation deletes its notifications by this key.
    subject = models.CharField(max_length=60, blank=True, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "office", "read_at"])]

    def __str__(self) -> str:
        return self.text


class NotificationPreference(models.Model):
    """Only where a person changed it; without a row, notifications also come by mail."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    by_mail = models.BooleanField(_("also by email"), default=True)

    def __str__(self) -> str:
        return f"{self.user}: {self.by_mail}"
