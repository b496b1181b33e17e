"""Telling people that a conversation is past its response-time target: a notification
on the desk (``rathaus.notifications``, through the inbox's ``notices``) and one summary
email per person and run, once for every due time that passed. The notifications send no
mail of their own, so one event is one mail; who turned notification mails off gets none.

Who hears of it: the assignee; without one, the members of the conversation's team;
without those, every agent of the office. The email names reference numbers and due
times only, never what the citizen wrote: mailboxes are kept longer than conversations.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rathaus.audit.log import record
from rathaus.inbox import notices
from rathaus.inbox.models import Conversation
from rathaus.notifications.models import Notification
from rathaus.notifications.notify import wants_mail
from rathaus.offices.models import Membership, Role

log = logging.getLogger(__name__)
# Who may be told about a conversation: people who may work on it.
WORKERS = (Role.AGENT, Role.ADMIN)


def pending(now: datetime) -> Any:
    """Overdue conversations nobody was told about yet: never notified, or a due time
    passed after the last notice (the first answer came late, and now closing is late too;
    or the category changed and the new target passed)."""
    after_notice = Q(
        first_response_at=None,
        first_response_due__lt=now,
        first_response_due__gt=F("overdue_notified_at"),
    ) | Q(resolution_due__lt=now, resolution_due__gt=F("overdue_notified_at"))
    return (
        Conversation.objects.overdue(now)
        .filter(anonymised_at=None)
        .filter(Q(overdue_notified_at=None) | after_notice)
        .select_related("office", "assignee", "team")
    )


def recipients(conversation: Conversation) -> list[Any]:
    workers = Membership.objects.filter(office=conversation.office, role__in=WORKERS)
    if conversation.assignee_id and workers.filter(user=conversation.assignee_id).exists():
        return [conversation.assignee]
    if conversation.team_id:
        team = list(conversation.team.members.filter(pk__in=workers.values("user")))
        if team:
            return team
    return list(
        get_user_model()
        .objects.filter(memberships__office=conversation.office, memberships__role=Role.AGENT)
        .distinct()
        .order_by("pk")
    )


def _what_is_late(conversation: Conversation, now: datetime) -> str:
    zone = conversation.office.zone
    late = []
    first_due = conversation.first_response_due
    if conversation.first_response_at is None and first_due is not None and first_due < now:
        due = conversation.first_response_due.astimezone(zone)
        late.append(_("first answer was due %(due)s") % {"due": due.strftime("%d.%m.%Y %H:%M")})
    if conversation.resolution_due is not None and conversation.resolution_due < now:
        due = conversation.resolution_due.astimezone(zone)
        late.append(_("closing was due %(due)s") % {"due": due.strftime("%d.%m.%Y %H:%M")})
    return ", ".join(late)


def _email(user: Any, conversations: list[Conversation], now: datetime) -> None:
    count = len(conversations)
    subject = ngettext(
        "%(count)d conversation is overdue", "%(count)d conversations are overdue", count
    ) % {"count": count}
    lines = [
        _("These conversations are past their response-time target:"),
        "",
        *(
            f"- {c.reference} ({c.office.name}): {_what_is_late(c, now)}"
            for c in sorted(conversations, key=lambda c: (c.office.name, c.reference))
        ),
        "",
        _("Open the inbox on the desk to answer them."),
    ]
    send_mail(subject, "\n".join(lines), settings.DEFAULT_FROM_EMAIL, [user.email])


def notify_overdue(now: datetime | None = None) -> int:
    """Notify about every overdue conversation not yet notified; returns how many.

    Runs as recurring work of the job engine (``background``): its lease lets one worker
    at a time do this, so each due time is notified once."""
    now = now or timezone.now()
    people_by_pk: dict[int, Any] = {}
    mail: dict[int, list[Conversation]] = defaultdict(list)
    notified = 0
    for conversation in pending(now):
        with transaction.atomic():
            Conversation.objects.filter(pk=conversation.pk).update(overdue_notified_at=now)
            people = recipients(conversation)
            with notices.in_house_language():
                text = _("Overdue: %(subject)s") % notices.names(conversation)
            notices.tell(people, conversation, Notification.Kind.OVERDUE, text)
            record(
                conversation,
                "overdue_notified",
                by=None,
                office=conversation.office,
                message=_what_is_late(conversation, now),
                after={"notified": sorted(p.get_username() for p in people)},
            )
        notified += 1
        for person in people:
            people_by_pk[person.pk] = person
            mail[person.pk].append(conversation)
    for pk, conversations in mail.items():
        person = people_by_pk[pk]
        if not person.email or not wants_mail(person):
            continue
        try:
            _email(person, conversations, now)
        except Exception:  # one unreachable mailbox must not keep the others uninformed
            log.exception("Could not email overdue conversations to user %s", person.pk)
    return notified
