"""The inbox queues as the desk shows them: which conversations each queue holds, one page at
a time, and the neighbours of a conversation within its queue (for j/k).

Paging reads one row more than a page instead of counting: with 100,000 conversations a
COUNT(*) per request would cost more than the page itself."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from rathaus.delivery import channels
from rathaus.desk.deliveries import channel_name
from rathaus.desk.due_times import next_due
from rathaus.inbox import search
from rathaus.inbox.inbound import subject_of
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.models import Office

PAGE_SIZE = 50
# A queue filter is a few words; search.matching takes only the first ones anyway.
MAX_QUERY = 100
QUEUES: dict[str, Any] = {
    "mine": _("Mine"),
    "team": _("My teams"),
    "unassigned": _("Unassigned"),
    "overdue": _("Overdue"),
    "open": _("All open"),
    "closed": _("Closed"),
}
DEFAULT_QUEUE = "open"


@dataclass(frozen=True)
class Filters:
    queue: str = DEFAULT_QUEUE
    channel: str = ""
    q: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params: Any) -> Filters:
        """Whatever arrives in the query string; anything unknown falls back quietly, so an
        old bookmark still opens a queue."""
        queue = params.get("queue", DEFAULT_QUEUE)
        channel = params.get("channel", "")
        try:
            page = max(1, min(int(params.get("page", 1)), 10_000))
        except (TypeError, ValueError):
            page = 1
        return cls(
            queue=queue if queue in QUEUES else DEFAULT_QUEUE,
            channel=channel if re.fullmatch(r"[\w:-]+", channel, flags=re.ASCII) else "",
            q=" ".join(params.get("q", "").split())[:MAX_QUERY],
            page=page,
        )

    def query(self, **changes: Any) -> str:
        """The query string of these filters with ``changes``; defaults are left out."""
        values = {**self.__dict__, **changes}
        kept = {
            "queue": values["queue"] if values["queue"] != DEFAULT_QUEUE else "",
            "channel": values["channel"],
            "q": values["q"],
            "page": values["page"] if values["page"] != 1 else "",
        }
        return urlencode({key: value for key, value in kept.items() if value})


def channel_choices(office: Office) -> list[tuple[str, str]]:
    # Every channel that can answer is one citizens write through, including the office's
    # connected platform accounts.
    return [(channel.key, str(channel.name)) for channel in channels.answering(office)]


def queue_of(office: Office, user: Any, filters: Filters, now: datetime) -> QuerySet:
    """The conversations of ``filters`` in queue order (latest message first)."""
    conversations = Conversation.objects.filter(office=office)
    queue = filters.queue
    if queue == "closed":
        conversations = conversations.filter(status=Conversation.Status.CLOSED)
    elif queue == "overdue":
        conversations = conversations.overdue(now)
    else:
        conversations = conversations.exclude(status=Conversation.Status.CLOSED)
    if queue == "mine":
        conversations = conversations.filter(assignee=user)
    elif queue == "team":
        conversations = conversations.filter(team__in=user.teams.filter(office=office))
    elif queue == "unassigned":
        conversations = conversations.filter(assignee=None, team=None)
    if filters.channel:
        conversations = conversations.filter(channel=filters.channel)
    if filters.q:
        conversations = conversations & search.matching(office, filters.q)
    return conversations.order_by("-last_message_at", "-id")


@dataclass(frozen=True)
class Page:
    rows: list[Conversation]
    number: int
    has_previous: bool
    has_next: bool


def page_of(conversations: QuerySet, number: int, now: datetime) -> Page:
    """One page, with everything a row shows fetched in three queries in all."""
    start = (number - 1) * PAGE_SIZE
    rows = list(
        conversations.select_related("assignee", "team").prefetch_related("topics")[
            start : start + PAGE_SIZE + 1
        ]
    )
    # Asked for this page's rows only: as a subquery of the page, PostgreSQL would check
    # every conversation of the office on each request.
    overdue = set(
        Conversation.objects.overdue(now)
        .filter(pk__in=[row.pk for row in rows])
        .values_list("pk", flat=True)
    )
    untitled = _first_words([row.pk for row in rows[:PAGE_SIZE] if not row.subject.strip()])
    for row in rows:
        row.channel_name = channel_name(row.channel)
        row.is_overdue = row.pk in overdue
        row.due = next_due(row, now)
        row.excerpt = untitled.get(row.pk, "")
    return Page(rows[:PAGE_SIZE], number, number > 1, len(rows) > PAGE_SIZE)


def _first_words(conversations: list[int]) -> dict[int, str]:
    """For conversations stored without a subject (those of before the inbox made one from
    the first words, a message that was only a photo): their citizen's first words. One
    query, and none when every row has a subject."""
    if not conversations:
        return {}
    found: dict[int, str] = {}
    first_messages = (
        Message.objects.filter(conversation__in=conversations, direction=Message.Direction.INBOUND)
        .order_by("conversation", "received_at", "id")
        .values_list("conversation", "text_html")
    )
    for conversation, html in first_messages:
        if not found.get(conversation):
            found[conversation] = subject_of(html)
    return found


def neighbours(
    conversations: QuerySet, conversation: Conversation
) -> tuple[Conversation | None, Conversation | None]:
    """The conversations before and after ``conversation`` in its queue's order."""
    at, pk = conversation.last_message_at, conversation.pk
    newer = Q(last_message_at__gt=at) | Q(last_message_at=at, pk__gt=pk)
    older = Q(last_message_at__lt=at) | Q(last_message_at=at, pk__lt=pk)
    fields = ("pk", "reference", "subject")
    previous = conversations.filter(newer).order_by("last_message_at", "id").only(*fields).first()
    following = conversations.filter(older).only(*fields).first()
    return previous, following
