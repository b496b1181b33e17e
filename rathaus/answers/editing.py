"""Writing FAQ entries and text templates by hand, on the desk's settings pages: an
approver or office admin edits and deletes the FAQ (they also publish it, ``reuse``), an
office admin the text templates. Every change is logged with the text before and after."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.answers.placeholders import validate_placeholders
from rathaus.answers.reuse import PUBLISHERS, changed
from rathaus.audit.log import record
from rathaus.offices.access import LifecycleError, require_role
from rathaus.offices.models import Office, Role

FAQ_FIELDS = ["question", "answer", "position"]
TEMPLATE_FIELDS = ["title", "body"]


def _fields(row: Any, names: list[str]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def _question(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise LifecycleError(_("The FAQ entry needs a question."))
    if len(text) > FaqEntry._meta.get_field("question").max_length:
        raise LifecycleError(_("The question is too long."))
    return text


def _title(text: str) -> str:
    text = " ".join(text.split())
    if not text:
        raise LifecycleError(_("The template needs a title."))
    if len(text) > TextTemplate._meta.get_field("title").max_length:
        raise LifecycleError(_("The title is too long."))
    return text


def write_faq(
    office: Office,
    *,
    question: str,
    answer: str,
    position: int | None = None,
    entry: FaqEntry | None = None,
    by: Any,
) -> FaqEntry:
    """A new entry (unpublished; ``publish_faq`` puts it on the page) or ``entry`` changed.
    A published entry changed stays published: the person who may change it may publish."""
    require_role(by, office, *PUBLISHERS)
    if entry is not None and entry.office_id != office.pk:
        raise LifecycleError(_("This entry belongs to another office."))
    question = _question(question)
    if not answer.strip():
        raise LifecycleError(_("The answer must not be empty."))
    with transaction.atomic():
        if entry is None:
            if position is None:
                last = FaqEntry.objects.filter(office=office).order_by("-position").first()
                position = last.position + 1 if last else 0
            entry = FaqEntry(office=office)
            before: dict[str, Any] = {}
        else:
            entry = FaqEntry.objects.select_for_update().get(pk=entry.pk)
            before = _fields(entry, FAQ_FIELDS)
        entry.question, entry.answer = question, answer.strip()
        if position is not None:
            entry.position = position
        entry.save()
        after = _fields(entry, FAQ_FIELDS)
        action = "faq_changed" if before else "faq_created"
        record(entry, action, by=by, office=office, before=before, after=after)
        if entry.published:
            changed(office)
    return entry


def delete_faq(entry: FaqEntry, *, by: Any) -> None:
    office = entry.office
    require_role(by, office, *PUBLISHERS)
    with transaction.atomic():
        before = _fields(entry, [*FAQ_FIELDS, "published"])
        record(entry, "faq_deleted", by=by, office=office, before=before)
        was_public = entry.published
        entry.delete()
        if was_public:
            changed(office)


def write_template(
    office: Office,
    *,
    title: str,
    body: str,
    template: TextTemplate | None = None,
    by: Any,
) -> TextTemplate:
    """A new text template or ``template`` changed; unknown placeholders are refused, as
    the model's validation does (a typo would reach a citizen)."""
    require_role(by, office, Role.ADMIN)
    if template is not None and template.office_id != office.pk:
        raise LifecycleError(_("This template belongs to another office."))
    title = _title(title)
    if not body.strip():
        raise LifecycleError(_("The text must not be empty."))
    validate_placeholders(body)  # ValidationError, for the form's field
    taken = TextTemplate.objects.filter(office=office, title=title)
    if template is not None:
        taken = taken.exclude(pk=template.pk)
    if taken.exists():
        raise LifecycleError(_("A template with this title exists already."))
    try:
        with transaction.atomic():
            before = _fields(template, TEMPLATE_FIELDS) if template is not None else {}
            if template is None:
                template = TextTemplate(office=office, created_by=by)
            template.title, template.body = title, body
            template.save()
            action = "template_changed" if before else "template_created"
            after = _fields(template, TEMPLATE_FIELDS)
            record(template, action, by=by, office=office, before=before, after=after)
    except IntegrityError as error:  # a colleague chose the same title a moment earlier
        raise LifecycleError(_("A template with this title exists already.")) from error
    return template


def delete_template(template: TextTemplate, *, by: Any) -> None:
    office = template.office
    require_role(by, office, Role.ADMIN)
    with transaction.atomic():
        before = _fields(template, TEMPLATE_FIELDS)
        record(template, "template_deleted", by=by, office=office, before=before)
        template.delete()
