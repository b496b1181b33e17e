"""Forms of the inbox's pages: one conversation's steps (assign, status, details, note,
answer, moderation) and the data-subject request."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rathaus.answers.models import TextTemplate
from rathaus.delivery import channels
from rathaus.desk import deliveries
from rathaus.desk.deliveries import answer_kinds
from rathaus.desk.forms.fields import DescribedForm
from rathaus.inbox.models import Conversation, Team
from rathaus.inbox.work import AGENTS
from rathaus.offices.models import Office
from rathaus.offices.people import display_name
from rathaus.posts.models import Category


def agents_of(office: Office) -> QuerySet:
    """Whom a conversation can be assigned to. One filter() call: chained, the role could
    come from a membership in another office."""
    users = get_user_model().objects
    return (
        users.filter(memberships__office=office, memberships__role__in=AGENTS)
        .distinct()
        .order_by("username")
    )


def templates_of(office: Office) -> QuerySet:
    return TextTemplate.objects.filter(office=office).order_by("title")


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
        self.fields["to"].label_from_instance = display_name
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


class CitizenDataForm(DescribedForm):
    email = forms.EmailField(label=gettext_lazy("Email address"), required=False)
    handle = forms.CharField(
        label=gettext_lazy("Address on a platform"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("e.g. @anna@social.example"),
    )
    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, erase all data of this person in this office for good."),
        required=False,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("email") and not data.get("handle", "").strip():
            raise forms.ValidationError(_("Give an email address or a platform address."))
        return data
