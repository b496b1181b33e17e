"""Due times of a conversation: the target of its category, else the office's default,
counted from when the citizen wrote in the office's working hours."""

from __future__ import annotations

import logging
from collections.abc import Collection, Container, Sequence
from datetime import date, datetime
from functools import lru_cache
from typing import Any

import holidays

from rathaus.inbox.models import Conversation
from rathaus.lib.working_hours import add_working_hours
from rathaus.offices.models import Office
from rathaus.response_times.models import Closure, ResponseTarget

log = logging.getLogger(__name__)


@lru_cache(maxsize=32)
def public_holidays(region: str) -> holidays.HolidayBase:
    """The state's holidays; the object adds each year the first time it is asked about."""
    return holidays.Germany(subdiv=region)


class ClosedDays:
    """The state's public holidays and the office's own closure days, as one container
    for ``add_working_hours``."""

    def __init__(self, region: str, closures: Collection[date]) -> None:
        self.public, self.closures = public_holidays(region), frozenset(closures)

    def __contains__(self, day: object) -> bool:
        return day in self.closures or day in self.public


def closed_days(office: Office, closures: Collection[date] | None = None) -> Container[date]:
    if closures is None:
        closures = list(Closure.objects.filter(office=office).values_list("day", flat=True))
    return ClosedDays(office.holiday_region, closures)


def target_for(office: Office, category: str) -> ResponseTarget | None:
    """The category's own target, or the office's default (blank category), or None."""
    found = {
        target.category: target
        for target in ResponseTarget.objects.filter(office=office, category__in={category, ""})
    }
    return found.get(category) or found.get("")


def due_after(
    office: Office, start: datetime, hours: Any, closed: Container[date] | None = None
) -> datetime | None:
    if hours is None:
        return None
    return add_working_hours(
        start,
        float(hours),
        zone=office.zone,
        working_hours=office.working_hours,
        holidays=closed if closed is not None else closed_days(office),
    )


def due_times(conversation: Conversation) -> tuple[datetime | None, datetime | None]:
    """(first response due, resolution due); None where the office set no target."""
    office = conversation.office
    target = target_for(office, conversation.category)
    if target is None:
        return None, None
    start, closed = conversation.created_at, closed_days(office)
    return (
        due_after(office, start, target.first_response_hours, closed),
        due_after(office, start, target.resolution_hours, closed),
    )


def fill_due_times(conversations: Sequence[Conversation], *, now: datetime) -> None:
    """For bulk ingest: set the due times of new conversations before they are inserted,
    with one query for the targets of all their offices and one for the closure days of
    those with targets, counted from ``now``. The ``conversation_opened`` receiver then
    leaves these conversations alone."""
    offices = {conversation.office_id for conversation in conversations}
    table = {
        (target.office_id, target.category): target
        for target in ResponseTarget.objects.filter(office__in=offices)
    }
    # Closure days only of offices with targets: without one there is nothing to count.
    closures: dict[int, list[date]] = {}
    counting = {office_id for office_id, _category in table}
    days = Closure.objects.filter(office__in=counting).values_list("office", "day")
    for office_id, day in days if counting else ():
        closures.setdefault(office_id, []).append(day)
    for conversation in conversations:
        office = conversation.office
        target = table.get((office.pk, conversation.category)) or table.get((office.pk, ""))
        if target is not None:
            closed = closed_days(office, closures.get(office.pk, []))
            try:
                conversation.first_response_due = due_after(
                    office, now, target.first_response_hours, closed
                )
                conversation.resolution_due = due_after(
                    office, now, target.resolution_hours, closed
                )
            except ValueError:
                log.exception("No due times for a conversation of office %s", office.pk)
        conversation.due_times_set = True


def _store(conversation: Conversation) -> bool:
    first, resolution = due_times(conversation)
    if (first, resolution) == (conversation.first_response_due, conversation.resolution_due):
        return False
    conversation.first_response_due, conversation.resolution_due = first, resolution
    Conversation.objects.filter(pk=conversation.pk).update(
        first_response_due=first, resolution_due=resolution
    )
    return True


def on_conversation_opened(sender: Any, conversation: Conversation, **kwargs: Any) -> None:
    """Receiver of ``inbox.inbound.conversation_opened``: no query beyond reading the
    targets when the office has none, one UPDATE when it has."""
    if conversation.due_times_set:
        return
    try:
        _store(conversation)
    except ValueError:
        # Broken working hours must not lose the citizen's message: it runs inside the
        # transaction that stores it. The conversation simply has no due time.
        log.exception("No due times for conversation %s", conversation.pk)


def on_conversations_opening(
    sender: Any, conversations: Sequence[Conversation], now: datetime, **kwargs: Any
) -> None:
    """Receiver of ``inbox.inbound.conversations_opening`` (bulk ingest)."""
    fill_due_times(conversations, now=now)


def on_category_changed(sender: Any, conversation: Conversation, **kwargs: Any) -> None:
    """Receiver of ``inbox.work.category_changed``."""
    recompute(conversation)


def recompute(conversation: Conversation) -> bool:
    """After the category changed: due times from the new category's target, still counted
    from when the citizen wrote. True if they changed. An overdue notice already sent stays
    counted only for the due times it was about (see ``overdue``)."""
    return _store(conversation)


# Conversations recounted per statement: a large office's open queue goes in slices.
RECOUNT_CHUNK = 500


def recount_open(office_id: int) -> int:
    """Due times of the office's open conversations from its targets, closure days and
    opening hours as they are now, still counted from when each citizen wrote; how many
    changed. Only conversations that have a due time: one opened while the office had no
    target, or automatic mail (which owes no answer), gets none afterwards, so a first
    target does not turn an office's whole backlog overdue at once. An overdue notice
    already sent stays counted for the due time it was about (see ``overdue``)."""
    office = Office.objects.filter(pk=office_id).first()
    if office is None:
        return 0
    table = {target.category: target for target in ResponseTarget.objects.filter(office=office)}
    closed = closed_days(office)
    open_ = (
        Conversation.objects.filter(office=office, anonymised_at=None)
        .exclude(status=Conversation.Status.CLOSED)
        .exclude(first_response_due=None, resolution_due=None)
        .only("pk", "category", "created_at", "first_response_due", "resolution_due")
        .order_by("pk")
    )
    changed, last = 0, 0
    while batch := list(open_.filter(pk__gt=last)[:RECOUNT_CHUNK]):
        last = batch[-1].pk
        moved = []
        for conversation in batch:
            target = table.get(conversation.category) or table.get("")
            first = resolution = None
            if target is not None:
                start = conversation.created_at
                first = due_after(office, start, target.first_response_hours, closed)
                resolution = due_after(office, start, target.resolution_hours, closed)
            stored = (conversation.first_response_due, conversation.resolution_due)
            if (first, resolution) != stored:
                conversation.first_response_due, conversation.resolution_due = first, resolution
                moved.append(conversation)
        Conversation.objects.bulk_update(moved, ["first_response_due", "resolution_due"])
        changed += len(moved)
    return changed
