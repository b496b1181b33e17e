"""The citizen inbox on the desk: the queues, one conversation with its forms, and the
count in the navigation. The steps an agent takes are in ``inbox_actions``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from rathaus.desk import deliveries, queues
from rathaus.desk.deliveries import answer_kinds
from rathaus.desk.due_times import next_due
from rathaus.desk.forms.inbox import (
    AssignForm,
    DetailsForm,
    ModerationForm,
    NoteForm,
    ReplyForm,
    StatusForm,
)
from rathaus.desk.pages import page
from rathaus.desk.tenancy import inbox_office_of
from rathaus.inbox.models import Conversation, Message, ReplyReviewer
from rathaus.inbox.work import AGENTS
from rathaus.offices.access import has_role, inbox_readers
from rathaus.offices.models import Office, Role

Direction = Message.Direction


def conversation_of(office: Office, pk: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("office", "assignee", "team", "post"),
        office=office,
        pk=pk,
    )


def members_of(office: Office) -> QuerySet:
    """Whom a note can name: add_note notifies the colleagues who read the inbox."""
    readers = inbox_readers(office).values("user")
    return get_user_model().objects.filter(pk__in=readers).order_by("username")


def page_forms(conversation: Conversation, data: Any = None, step: str = "") -> dict[str, Any]:
    """The forms of the conversation page; only the one of ``step`` is bound to ``data``."""
    office = conversation.office

    def bound(name: str) -> Any:
        return data if step == name else None

    return {
        "assign_form": AssignForm(
            bound("assign"),
            prefix="assign",
            office=office,
            initial={"to": conversation.assignee_id, "team": conversation.team_id},
        ),
        "status_form": StatusForm(
            bound("status"), prefix="status", initial={"status": conversation.status}
        ),
        "details_form": DetailsForm(
            bound("details"),
            prefix="details",
            initial={
                "priority": conversation.priority,
                "category": conversation.category,
                "topics": ", ".join(t.name for t in conversation.topics.all()),
            },
        ),
        "note_form": NoteForm(bound("note"), prefix="note"),
        "reply_form": ReplyForm(bound("reply"), prefix="reply", conversation=conversation),
    }


def _messages(conversation: Conversation, moderation: dict[int, ModerationForm]) -> list[Message]:
    found = list(
        conversation.messages.select_related("author_user", "approved_by").prefetch_related(
            "deliveries"
        )
    )
    for message in found:
        message.delivery_rows = deliveries.rows(list(message.deliveries.all()), of=message)
        if message.direction == Direction.INBOUND and message.is_public:
            message.moderation_form = moderation.get(message.pk) or ModerationForm(
                prefix=f"m{message.pk}"
            )
    return found


def render_conversation(
    request: HttpRequest,
    conversation: Conversation,
    forms_: dict[str, Any] | None = None,
    *,
    moderation: dict[int, ModerationForm] | None = None,
    status: int = 200,
    fragment: str = "",
) -> HttpResponse:
    """The conversation page, or only ``fragment`` of it (a template name) for htmx."""
    office, user = conversation.office, request.user
    filters = queues.Filters.from_query(request.GET)
    now = timezone.now()
    previous, following = queues.neighbours(
        queues.queue_of(office, user, filters, now), conversation
    )
    context = {
        "office": office,
        "conversation": conversation,
        "messages_": _messages(conversation, moderation or {}),
        "topics": list(conversation.topics.all()),
        "overdue": Conversation.objects.overdue(now).filter(pk=conversation.pk).exists(),
        "due": next_due(conversation, now),
        "channel_name": deliveries.channel_name(conversation.channel),
        "can_reply": bool(answer_kinds(conversation)) and not conversation.anonymised_at,
        "may_work": has_role(user, office, *AGENTS),
        "reviewed": ReplyReviewer.objects.filter(office=office, user=user).exists(),
        "colleagues": members_of(office).exclude(pk=user.pk)[:30],
        "filters": filters,
        "queue_query": filters.query(),
        "queue_name": queues.QUEUES[filters.queue],
        "previous": previous,
        "following": following,
        **page_forms(conversation),
        **(forms_ or {}),
    }
    if fragment:
        return render(request, fragment, context, status=status)
    return page(request, "desk/inbox_conversation.html", context, status=status)


@login_required
def inbox(request: HttpRequest, slug: str) -> HttpResponse:
    office = inbox_office_of(request, slug)
    filters = queues.Filters.from_query(request.GET)
    now = timezone.now()
    conversations = queues.queue_of(office, request.user, filters, now)
    context = {
        "office": office,
        "filters": filters,
        "queue_query": filters.query(),
        "queues": [
            (key, name, filters.query(queue=key, page=1)) for key, name in queues.QUEUES.items()
        ],
        "channels": queues.channel_choices(office),
        "page_": queues.page_of(conversations, filters.page, now),
        "previous_query": filters.query(page=filters.page - 1),
        "next_query": filters.query(page=filters.page + 1),
        "is_admin": has_role(request.user, office, Role.ADMIN),
    }
    # htmx asks for the list alone; a history restore (back button, cache miss) for all.
    partial = request.headers.get("HX-Request") and not request.headers.get(
        "HX-History-Restore-Request"
    )
    if partial:
        response = render(request, "desk/_inbox_list.html", context)
    else:
        response = page(request, "desk/inbox.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@login_required
def conversation(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return render_conversation(request, conversation_of(inbox_office_of(request, slug), pk))


@login_required
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The overdue count next to "Inbox" in the navigation, fetched after the page (htmx),
    so that no other desk page waits for it. Unread notices about conversations are counted
    next to "Notifications", with every other notification."""
    office = inbox_office_of(request, slug)
    cap = 100  # beyond that the exact number helps nobody, and counting it costs
    overdue = (
        Conversation.objects.filter(office=office)
        .overdue(timezone.now())
        .values("pk")[:cap]
        .count()
    )
    context = {"office": office, "overdue": overdue, "capped": overdue >= cap}
    return render(request, "desk/_inbox_badge.html", context)
