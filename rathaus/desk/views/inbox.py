"""The citizen inbox on the desk: the queues, one conversation with its forms, and the
count in the navigation. The steps an agent takes are in ``inbox_actions``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.answers.models import TextTemplate
from rathaus.delivery import channels
from rathaus.desk import deliveries, queues
from rathaus.desk.forms import DescribedForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.inbox.models import Conversation, Message, Notification, ReplyReviewer, Team
from rathaus.inbox.work import AGENTS
from rathaus.offices.access import has_role
from rathaus.offices.models import Office, Role
from rathaus.posts.models import Category

Direction = Message.Direction


def conversation_of(office: Office, pk: int) -> Conversation:
    return get_object_or_404(
        Conversation.objects.select_related("office", "assignee", "team", "post"),
        office=office,
        pk=pk,
    )


def templates_of(office: Office) -> QuerySet:
    return TextTemplate.objects.filter(office=office).order_by("title")


def members_of(office: Office) -> QuerySet:
    """Whom a note can name: add_note notifies any member of the office."""
    return (
        get_user_model().objects.filter(memberships__office=office).distinct().order_by("username")
    )


def agents_of(office: Office) -> QuerySet:
    """Whom a conversation can be assigned to. One filter() call: chained, the role could
    come from a membership in another office."""
    users = get_user_model().objects
    return (
        users.filter(memberships__office=office, memberships__role__in=AGENTS)
        .distinct()
        .order_by("username")
    )


class AssignForm(DescribedForm):
    to = forms.ModelChoiceField(
        label=gettext_lazy("Person"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=gettext_lazy("– nobody –"),
    )
    team = forms.ModelChoiceField(
        label=gettext_lazy("Team"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=gettext_lazy("– no team –"),
    )

    def __init__(self, *args: Any, office: Office, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to"].queryset = agents_of(office)
        self.fields["to"].label_from_instance = lambda u: u.get_full_name() or u.get_username()
        self.fields["team"].queryset = office.teams.all()


class StatusForm(DescribedForm):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Conversation.Status.choices)


class DetailsForm(DescribedForm):
    priority = forms.TypedChoiceField(
        label=gettext_lazy("Priority"), choices=Conversation.Priority.choices, coerce=int
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=[("", gettext_lazy("– none –")), *Category.choices],
        required=False,
    )
    topics = forms.CharField(
        label=gettext_lazy("Topics"),
        required=False,
        max_length=600,
        help_text=gettext_lazy("Separate topics with commas, e.g. “Baum, Straße”."),
    )

    def topic_names(self) -> list[str]:
        return [name.strip() for name in self.cleaned_data["topics"].split(",") if name.strip()]


class NoteForm(DescribedForm):
    text = forms.CharField(
        label=gettext_lazy("Internal note"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only colleagues see notes, never the citizen. Write @username to notify someone."
        ),
    )


class ReplyForm(DescribedForm):
    """The answer to the citizen. A public conversation asks who shall see it and has no
    default: nothing is published because nobody looked."""

    text = forms.CharField(
        label=gettext_lazy("Answer"), max_length=10_000, widget=forms.Textarea(attrs={"rows": 6})
    )
    visibility = forms.ChoiceField(
        label=gettext_lazy("Who sees the answer?"),
        widget=forms.RadioSelect,
        choices=[],
        error_messages={
            "required": gettext_lazy(
                "Choose whether everyone may see the answer or only the citizen."
            )
        },
    )
    template = forms.ChoiceField(label=gettext_lazy("Text template"), required=False)

    def __init__(self, *args: Any, conversation: Conversation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        name = deliveries.channel_name(conversation.channel)
        # Only what the channel can really deliver is offered (Bluesky has no private
        # messages here, Telegram's bot chats are private only), and public only where the
        # citizen wrote in public.
        self.kinds = answer_kinds(conversation)
        if channels.PUBLIC in self.kinds:
            choices = [
                ("public", _("Public: everyone on %(channel)s can see it") % {"channel": name})
            ]
            if channels.DIRECT in self.kinds:
                choices.append(("direct", _("Direct: only the citizen")))
            self.fields["visibility"].choices = choices
        else:
            del self.fields["visibility"]  # answered privately (or not at all)
        found = templates_of(conversation.office)
        self.templates = {str(t.pk): t for t in found}
        self.fields["template"].choices = [("", _("– choose –"))] + [
            (key, t.title) for key, t in self.templates.items()
        ]

    @property
    def public(self) -> bool:
        return self.cleaned_data.get("visibility") == "public"

    @property
    def asks_visibility(self) -> bool:
        return "visibility" in self.fields

    @property
    def offers_direct(self) -> bool:
        return channels.DIRECT in self.kinds


def answer_kinds(conversation: Conversation) -> frozenset[str]:
    """The kinds of answer the conversation's channel delivers here; none for a channel
    that is gone (an account disconnected and deleted)."""
    try:
        channel = channels.get(conversation.channel)
    except KeyError:
        return frozenset()
    return channel.answer_kinds(conversation)


class ModerationForm(DescribedForm):
    ACTIONS = [
        ("hide", gettext_lazy("Hide")),
        ("unhide", gettext_lazy("Show again")),
        ("delete", gettext_lazy("Delete")),
        ("report", gettext_lazy("Report")),
    ]
    action = forms.ChoiceField(label=gettext_lazy("Step"), choices=ACTIONS)
    reason = forms.CharField(
        label=gettext_lazy("Netiquette reason"),
        max_length=300,
        required=False,
        help_text=gettext_lazy("Which rule of the netiquette the comment breaks."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("action") not in (None, "unhide") and not data.get("reason", "").strip():
            self.add_error("reason", _("Name the netiquette rule the comment breaks."))
        return data


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
        message.delivery_rows = deliveries.rows(list(message.deliveries.all()))
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
    office = office_of(request, slug)
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
    return render_conversation(request, conversation_of(office_of(request, slug), pk))


@login_required
def badge(request: HttpRequest, slug: str) -> HttpResponse:
    """The counts next to "Inbox" in the navigation, fetched after the page (htmx), so that
    no other desk page waits for them."""
    office = office_of(request, slug)
    unread = Notification.objects.filter(
        user=request.user, conversation__office=office, read_at=None
    ).count()
    cap = 100  # beyond that the exact number helps nobody, and counting it costs
    overdue = (
        Conversation.objects.filter(office=office)
        .overdue(timezone.now())
        .values("pk")[:cap]
        .count()
    )
    context = {"office": office, "unread": unread, "overdue": overdue, "capped": overdue >= cap}
    return render(request, "desk/_inbox_badge.html", context)
