"""Saving an office's settings from the desk's settings pages: the row and its audit entry
in one transaction, and only by an office admin.

The settings rows belong to apps below the desk (the office itself, teams, targets,
mailboxes, the newsletter's settings); their Django admin saves them the same way. Each
change is logged with the fields before and after, so a wrong imprint or a changed mailbox
can be traced to who changed it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from rathaus.audit.log import record
from rathaus.offices.access import require_role
from rathaus.offices.models import Office, Role
from rathaus.response_times import recounting

# Never written to the log: the log is read by every office admin, a secret is not (nor
# the hash of a push token, which would let a guess be checked).
SECRET_FIELDS = frozenset({"imap_password", "token_hash", "bounce_token_hash"})


def _plain(value: Any) -> Any:
    """A value the audit log's JSON can hold."""
    if isinstance(value, Decimal | date | datetime | time):
        return str(value)
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or ""
    if isinstance(value, models.Model):
        return value.pk
    return value


def snapshot(row: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    return {name: "***" if name in SECRET_FIELDS else _plain(getattr(row, name)) for name in fields}


def save(
    row: models.Model, fields: list[str], *, office: Office, action: str, by: Any
) -> models.Model:
    """Store ``fields`` of ``row`` (new or changed) as an office admin's change; only these
    columns are written, so a save never puts back what the worker wrote meanwhile."""
    require_role(by, office, Role.ADMIN)
    adding = row._state.adding
    stored = None if adding else type(row)._base_manager.filter(pk=row.pk).first()
    before = snapshot(stored, fields) if stored is not None else {}
    with transaction.atomic():
        if adding:
            row.save()
        else:
            row.save(update_fields=fields)
        record(row, action, by=by, office=office, before=before, after=snapshot(row, fields))
        _recount_if_needed(row, fields, office=office, by=by)
    return row


def delete(row: models.Model, fields: list[str], *, office: Office, action: str, by: Any) -> None:
    require_role(by, office, Role.ADMIN)
    with transaction.atomic():
        record(row, action, by=by, office=office, before=snapshot(row, fields))
        _recount_if_needed(row, fields, office=office, by=by)
        row.delete()


def _recount_if_needed(row: models.Model, fields: list[str], *, office: Office, by: Any) -> None:
    """A target, a closure day or the hours due times count in changed: the open
    conversations' due times are recounted (queued, in the same transaction)."""
    if recounting.counts_due_times(row, fields):
        recounting.recount_due_times(office, by=by)
