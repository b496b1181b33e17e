from __future__ import annotations

from typing import Any

from django.db import models

from rathaus.audit.models import AuditEntry


def entry(
    subject: models.Model,
    action: str,
    *,
    by: Any | None,
    office: Any,
    message: str = "",
    before: dict | None = None,
    after: dict | None = None,
    flagged: bool = False,
) -> AuditEntry:
    """An unsaved entry; ``by`` is None for actions the system took on its own."""
    return AuditEntry(
        office_id=office.pk,
        actor=by if by is not None and by.is_authenticated else None,
        action=action,
        subject_type=subject._meta.label_lower,
        subject_id=subject.pk,
        message=message,
        before=before or {},
        after=after or {},
        flagged=flagged,
    )


def record(subject: models.Model, action: str, **details: Any) -> AuditEntry:
    """Append one entry (see :func:`entry` for the details)."""
    item = entry(subject, action, **details)
    item.save()
    return item


def record_many(entries: list[AuditEntry]) -> None:
    """Append many entries in one statement, e.g. for a batch of scheduled publications."""
    AuditEntry.objects.bulk_create(entries)


def history(subject: models.Model):
    return AuditEntry.objects.filter(
        subject_type=subject._meta.label_lower, subject_id=subject.pk
    ).select_related("actor")
