"""A post's audit history as the desk shows it: named actions and a before/after diff."""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.audit import log
from rathaus.audit.models import AuditEntry

ACTIONS = {
    "created": _("Created"),
    "edited": _("Edited"),
    "image_added": _("Image added"),
    "image_removed": _("Image removed"),
    "submitted": _("Submitted for approval"),
    "sent_back": _("Sent back"),
    "returned_to_review": _("Back to review after a change"),
    "approved": _("Approved"),
    "scheduled": _("Scheduled"),
    "unscheduled": _("Schedule removed"),
    "rescheduled": _("Moved to another time"),
    "duplicated": _("Made as a copy"),
    "published": _("Published"),
    "corrected": _("Corrected"),
    "withdrawn": _("Withdrawn"),
    "delivery_retried": _("Delivery retried"),
}


@dataclass(frozen=True)
class Row:
    entry: AuditEntry
    label: str
    diff: str


def _lines(snapshot: dict) -> list[str]:
    lines = []
    for key in sorted(snapshot):
        value = snapshot[key]
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.extend(f"{key}: {line}" for line in (text.splitlines() or [""]))
    return lines


def text_diff(before: dict, after: dict) -> str:
    """Unified diff of two snapshots; empty when there is nothing to compare."""
    if not before and not after:
        return ""
    diff = difflib.unified_diff(_lines(before), _lines(after), "before", "after", lineterm="", n=1)
    return "\n".join(diff)


def rows(subject: models.Model) -> list[Row]:
    return [
        Row(
            entry,
            str(ACTIONS.get(entry.action, entry.action)),
            text_diff(entry.before, entry.after),
        )
        for entry in log.history(subject)
    ]
