"""Recounting due times after an office admin changed what they are counted from: a
response-time target, a closure day, the opening hours, the state for public holidays or
the time zone. The open conversations' due times then say what the office promises now.

An office may have thousands of open conversations, so the request only queues the work
(one job per office on the engine, ``background.RECOUNT``; asking again while it waits
moves it, so five changes in a row recount once) and the worker recounts
(``targets.recount_open``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from rathaus.jobs import engine, runner
from rathaus.offices.access import require_role
from rathaus.offices.models import Office, Role
from rathaus.response_times.background import RECOUNT
from rathaus.response_times.models import Closure, ResponseTarget

# The office's fields due times are counted in (``targets.due_after``, ``closed_days``).
OFFICE_FIELDS = frozenset({"working_hours", "holiday_region", "time_zone"})


def counts_due_times(row: Any, fields: list[str]) -> bool:
    """Whether changing ``fields`` of ``row`` (a settings row) changes due times."""
    if isinstance(row, ResponseTarget | Closure):
        return True
    return isinstance(row, Office) and not OFFICE_FIELDS.isdisjoint(fields)


def recount_due_times(office: Office, *, by: Any) -> None:
    """Have the open conversations' due times recounted, after this transaction commits."""
    require_role(by, office, Role.ADMIN)
    queue(office)


def queue(office: Office) -> None:
    """Queue the recount without asking for a role: for the Django admin, whose own
    permissions decided who may change a target there."""
    engine.enqueue(RECOUNT, f"office:{office.pk}", {"office": office.pk})
    transaction.on_commit(lambda: runner.wake(RECOUNT))
