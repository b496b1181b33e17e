"""Turning a good answer into reusable knowledge: a text template for colleagues, or a
question for the public FAQ page (which an approver or office admin publishes).

An answer was written to one citizen. What is kept for reuse must not carry that citizen
along: their name, email address, handle and the reference number are taken out — in a
template they become placeholders again, in an FAQ entry an ellipsis the approver sees
before publishing.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.audit.log import record
from rathaus.inbox.inbound import plain_text
from rathaus.inbox.models import Message
from rathaus.notifications.models import Notification
from rathaus.notifications.notify import notify
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Office, Role

REUSERS = (Role.AGENT, Role.ADMIN)
PUBLISHERS = (Role.APPROVER, Role.ADMIN)
REDACTED = "…"
# Shorter name parts ("Li", "de") would match inside ordinary words' neighbourhoods.
MIN_NAME_PART = 3


def _personal(message: Message, *, placeholders: bool) -> list[tuple[str, str]]:
    """(what to find, what to put instead), longest first so a full name goes before its
    parts."""
    conversation = message.conversation
    name = "{name}" if placeholders else REDACTED
    pairs = [
        (conversation.citizen_email, REDACTED),
        (conversation.citizen_handle, REDACTED),
        (conversation.reference, "{reference}" if placeholders else REDACTED),
        (conversation.citizen_name.strip(), name),
    ]
    pairs += [(part, name) for part in conversation.citizen_name.split()]
    if placeholders:
        # Signed by its author and the office: the template fills in whoever uses it.
        author = message.author_user.get_full_name() if message.author_user else ""
        pairs += [(author.strip(), "{agent}"), (message.office.name, "{office}")]
    found = {text: by for text, by in reversed(pairs) if len(text) >= MIN_NAME_PART}
    return sorted(found.items(), key=lambda pair: len(pair[0]), reverse=True)


def generalise(message: Message, *, placeholders: bool) -> str:
    text = plain_text(message.text_html)
    for personal, replacement in _personal(message, placeholders=placeholders):
        pattern = rf"(?<!\w){re.escape(personal)}(?!\w)"
        text = re.sub(pattern, lambda _match, r=replacement: r, text, flags=re.IGNORECASE)
    return text


def _reusable(message: Message, by: Any) -> None:
    require_role(by, message.office, *REUSERS)
    if message.direction != Message.Direction.OUTBOUND:
        raise LifecycleError(_("Only the office's own answers can be reused."))
    if message.needs_approval and not message.approved_by_id:
        raise LifecycleError(_("This answer still waits for approval."))
    if message.removed_at or not plain_text(message.text_html):
        raise LifecycleError(_("This answer has no text left to reuse."))


def save_as_template(message: Message, *, title: str, by: Any) -> TextTemplate:
    """A text template from a good answer, with the citizen's details as placeholders."""
    _reusable(message, by)
    title = " ".join(title.split())
    if not title:
        raise LifecycleError(_("The template needs a title."))
    if len(title) > TextTemplate._meta.get_field("title").max_length:
        raise LifecycleError(_("The title is too long."))
    office = message.office
    if TextTemplate.objects.filter(office=office, title=title).exists():
        raise LifecycleError(_("A template with this title exists already."))
    body = generalise(message, placeholders=True)
    try:
        with transaction.atomic():
            template = TextTemplate.objects.create(
                office=office, title=title, body=body, created_by=by
            )
            record(
                template,
                "template_saved_from_answer",
                by=by,
                office=office,
                after={"title": title, "body": body, "message": message.pk},
            )
    except IntegrityError as error:  # a colleague chose the same title a moment earlier
        raise LifecycleError(_("A template with this title exists already.")) from error
    return template


def save_as_faq(message: Message, *, question: str, by: Any) -> FaqEntry:
    """An unpublished FAQ entry from a good answer; publish_faq puts it on the page."""
    _reusable(message, by)
    question = " ".join(question.split())
    if not question:
        raise LifecycleError(_("The FAQ entry needs a question."))
    if len(question) > FaqEntry._meta.get_field("question").max_length:
        raise LifecycleError(_("The question is too long."))
    office = message.office
    answer = generalise(message, placeholders=False)
    with transaction.atomic():
        last = FaqEntry.objects.filter(office=office).order_by("-position").first()
        entry = FaqEntry.objects.create(
            office=office,
            question=question,
            answer=answer,
            position=last.position + 1 if last else 0,
            created_from=message,
        )
        record(
            entry,
            "faq_saved_from_answer",
            by=by,
            office=office,
            after={"question": question, "answer": answer, "message": message.pk},
        )
        _tell_publishers(entry, by=by)
    return entry


def _tell_publishers(entry: FaqEntry, *, by: Any) -> None:
    """The people who publish FAQ entries hear of a suggestion (in the installation's
    language: they read it later, whatever the agent's desk language)."""
    office = entry.office
    with translation.override(settings.LANGUAGE_CODE):
        text = _("%(name)s suggested “%(question)s” for the FAQ.") % {
            "name": by.get_full_name() or by.get_username(),
            "question": entry.question,
        }
    publishers = get_user_model().objects.filter(
        memberships__office=office, memberships__role__in=PUBLISHERS
    )
    notify(
        publishers,
        office=office,
        kind=Notification.Kind.FAQ_SUGGESTED,
        text=text,
        url=reverse("desk:settings_faq_edit", args=[office.slug, entry.pk]),
        by=by,
    )


def publish_faq(entry: FaqEntry, *, by: Any) -> FaqEntry:
    return _set_published(entry, True, by=by)


def unpublish_faq(entry: FaqEntry, *, by: Any) -> FaqEntry:
    return _set_published(entry, False, by=by)


def _set_published(entry: FaqEntry, published: bool, *, by: Any) -> FaqEntry:
    office = entry.office
    require_role(by, office, *PUBLISHERS)
    if entry.published == published:
        raise LifecycleError(
            _("This entry is published already.")
            if published
            else _("This entry is not published.")
        )
    with transaction.atomic():
        entry.published = published
        entry.save(update_fields=["published"])
        record(
            entry,
            "faq_published" if published else "faq_unpublished",
            by=by,
            office=office,
            after={"question": entry.question, "answer": entry.answer},
        )
        changed(office)
    return entry


def changed(office: Office) -> None:
    """The public FAQ page changed: cached newsroom pages of the office expire, the FAQ page
    is rendered again."""
    office.touch(standing=True)
