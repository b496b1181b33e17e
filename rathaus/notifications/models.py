"""A notice for one person about a step of their office's work (a post submitted, sent
back, published; a delivery given up; an FAQ entry suggested), and whether they want it
by mail too. It points at a desk page by path, so it holds nothing of the step itself."""

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

    # related_name "+": the inbox's own notices already use ``user.notifications``.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    office = models.ForeignKey(
        "offices.Office", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    text = models.CharField(max_length=500)
    # A path on the desk ("/desk/mitte/beitraege/4/"), never another host: see notify().
    url = models.CharField(max_length=300)
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
