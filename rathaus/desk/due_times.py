"""A conversation's next response-time target as a row of the inbox shows it: which target
(the first answer, or closing), when, and the time left or overdue in words.

The due times themselves are set by ``response_times`` (counted in the office's working
hours); what is left of them is said in plain time, as the agent lives it. One unit,
rounded down: minutes below an hour, hours below two days, then days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils.translation import gettext, ngettext

from rathaus.inbox.models import Conversation

HOUR = timedelta(hours=1)
TWO_DAYS = timedelta(days=2)


@dataclass(frozen=True)
class Due:
    at: datetime
    target: str  # "Erste Antwort", "Abschluss"
    words: str  # "fällig in 3 Stunden", "überfällig seit 2 Tagen"
    overdue: bool


def next_due(conversation: Conversation, now: datetime) -> Due | None:
    """The target the conversation waits for: its first answer while it has none (and a
    target for it), else its closing; None when closed or without targets."""
    if conversation.status == Conversation.Status.CLOSED:
        return None
    if conversation.first_response_at is None and conversation.first_response_due:
        at, target = conversation.first_response_due, gettext("First answer")
    elif conversation.resolution_due:
        at, target = conversation.resolution_due, gettext("Closing")
    else:
        return None
    return Due(at=at, target=target, words=words(at, now), overdue=at < now)


def words(at: datetime, now: datetime) -> str:
    left = at - now
    if left >= timedelta(0):
        return _amount(
            left,
            minutes=lambda n: ngettext("due in %(n)d minute", "due in %(n)d minutes", n),
            hours=lambda n: ngettext("due in %(n)d hour", "due in %(n)d hours", n),
            days=lambda n: ngettext("due in %(n)d day", "due in %(n)d days", n),
        )
    return _amount(
        -left,
        minutes=lambda n: ngettext("overdue for %(n)d minute", "overdue for %(n)d minutes", n),
        hours=lambda n: ngettext("overdue for %(n)d hour", "overdue for %(n)d hours", n),
        days=lambda n: ngettext("overdue for %(n)d day", "overdue for %(n)d days", n),
    )


def _amount(span: timedelta, *, minutes, hours, days) -> str:
    if span < HOUR:
        n = max(1, int(span.total_seconds() // 60))
        return minutes(n) % {"n": n}
    if span < TWO_DAYS:
        n = int(span // HOUR)
        return hours(n) % {"n": n}
    n = span.days
    return days(n) % {"n": n}
