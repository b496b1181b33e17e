"""The audit log: who did what, when, with the text before and after. Append-only."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def of(self, office: Any) -> AuditEntryQuerySet:
        """The entries of ``office`` (an Office or its pk)."""
        return self.filter(office_id=getattr(office, "pk", office))


class AuditEntry(models.Model):
    # The office's pk, not a foreign key: the audit trail is a layer below the offices and
    # knows nothing of them. The offices app deletes an office's entries with the office
    # (``rathaus.offices.apps``), as a cascade did.
    office_id = models.BigIntegerField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Empty for actions of the system, e.g. scheduled publishing."),
    )
    action = models.CharField(_("action"), max_length=40)
    subject_type = models.CharField(max_length=40)
    subject_id = models.BigIntegerField()
    message = models.TextField(_("message"), blank=True)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)
    flagged = models.BooleanField(
        default=False,
        help_text=_("Marks exceptions, e.g. an emergency published without approval."),
    )
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.subject_type}#{self.subject_id}"
