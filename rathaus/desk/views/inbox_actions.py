"""The steps an agent takes on a conversation, one POST each, each calling one verb of
``rathaus.inbox.work`` (or of ``rathaus.answers.reuse`` to keep a good answer); the
notifications; and the data-subject requests of office admins."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.answers import reuse
from rathaus.answers.placeholders import fill
from rathaus.citizen_data import subject_requests
from rathaus.desk.forms.inbox import CitizenDataForm, ModerationForm, ReplyForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import inbox_office_of, office_of
from rathaus.desk.views.inbox import (
    AGENTS,
    conversation_of,
    page_forms,
    render_conversation,
)
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Message
from rathaus.offices.access import LifecycleError, has_role
from rathaus.offices.models import Role

Direction = Message.Direction


def _back(request: HttpRequest, conversation: Conversation, anchor: str = "") -> HttpResponse:
    """To the conversation, in the queue it was opened from (for its previous/next links)."""
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    query = request.GET.urlencode()
    return redirect(f"{url}{'?' + query if query else ''}{anchor}")


Verb = Callable[[HttpRequest, Conversation, Any], str]


def _step(
    request: HttpRequest,
    slug: str,
    pk: int,
    step: str,
    verb: Verb,
    *,
    agents_only: bool = True,
    anchor: str = "",
) -> HttpResponse:
    """Check the step's form, run its verb, say what happened. A refusal shows the page
    again with everything that was typed."""
    conversation = conversation_of(inbox_office_of(request, slug), pk)
    if request.method != "POST":
        return _back(request, conversation)
    if agents_only and not has_role(request.user, conversation.office, *AGENTS):
        raise PermissionDenied
    forms_ = page_forms(conversation, request.POST, step)
    form = forms_.get(f"{step}_form")
    if form is not None and not form.is_valid():
        return render_conversation(request, conversation, forms_, status=400)
    try:
        done = verb(request, conversation, form)
    except LifecycleError as error:
        messages.error(request, str(error))
        conversation.refresh_from_db()
        return render_conversation(request, conversation, forms_, status=400)
    messages.success(request, done)
    return _back(request, conversation, f"#{anchor or step}")


@login_required
def assign(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def verb(request: HttpRequest, conversation: Conversation, form: Any) -> str:
        if request.POST.get("me"):
            work.assign(conversation, to=request.user, team=conversation.team, by=request.user)
            return _("Assigned to you.")
        data = form.cleaned_data
        work.assign(conversation, to=data["to"], team=data["team"], by=request.user)
        return _("Assignment saved.")

    if request.POST.get("me"):  # the one-click button sends no form fields
        return _step(request, slug, pk, "assign_me", verb, anchor="assign")
    return _step(request, slug, pk, "assign", verb)


@login_required
def status(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def verb(request: HttpRequest, conversation: Conversation, form: Any) -> str:
        work.set_status(conversation, form.cleaned_data["status"], by=request.user)
        return _("Status set to “%(status)s”.") % {"status": conversation.get_status_display()}

    return _step(request, slug, pk, "status", verb)


@login_required
def details(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def verb(request: HttpRequest, conversation: Conversation, form: Any) -> str:
        data = form.cleaned_data
        work.set_details(
            conversation,
            priority=data["priority"],
            category=data["category"],
            topics=form.topic_names(),
            by=request.user,
        )
        return _("Details saved.")

    return _step(request, slug, pk, "details", verb)


@login_required
def note(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def verb(request: HttpRequest, conversation: Conversation, form: Any) -> str:
        work.add_note(conversation, form.cleaned_data["text"], by=request.user)
        return _("Internal note added.")

    # Editors and approvers may write notes too; add_note checks the roles.
    return _step(request, slug, pk, "note", verb, agents_only=False)


@login_required
def reply(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    if request.method == "POST" and request.POST.get("insert"):
        return _insert_template(request, conversation_of(inbox_office_of(request, slug), pk))

    def verb(request: HttpRequest, conversation: Conversation, form: Any) -> str:
        public = conversation.is_public and form.public
        answer = work.reply(conversation, form.cleaned_data["text"], public=public, by=request.user)
        if answer.needs_approval:
            return _("Your answer waits for a colleague's approval before it is sent.")
        if public:
            return _("Public answer is being sent.")
        return _("Answer is being sent to the citizen.")

    return _step(request, slug, pk, "reply", verb)


def _insert_template(request: HttpRequest, conversation: Conversation) -> HttpResponse:
    """The text template picker: the chosen template, its placeholders filled, goes below
    what was typed already. Nothing is sent; the form comes back for reading and editing."""
    if not has_role(request.user, conversation.office, *AGENTS):
        raise PermissionDenied
    data = request.POST
    form = ReplyForm(data, prefix="reply", conversation=conversation)
    text = data.get("reply-text", "")
    chosen = form.templates.get(data.get("reply-template", ""))
    if chosen is not None:
        filled = fill(chosen.body, conversation, by=request.user)
        text = f"{text.rstrip()}\n\n{filled}" if text.strip() else filled
    initial = {"text": text, "visibility": data.get("reply-visibility"), "template": ""}
    forms_ = {"reply_form": ReplyForm(prefix="reply", conversation=conversation, initial=initial)}
    fragment = "desk/_inbox_reply.html" if request.headers.get("HX-Request") else ""
    return render_conversation(request, conversation, forms_, fragment=fragment)


@login_required
def approve(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    def verb(request: HttpRequest, conversation: Conversation, form: Any) -> str:
        answer = _message_of(request, conversation, Direction.OUTBOUND)
        work.approve_reply(answer, by=request.user)
        return _("Answer approved; it is being sent.")

    return _step(request, slug, pk, "approve", verb, anchor="h-thread")


def _message_of(request: HttpRequest, conversation: Conversation, direction: str) -> Message:
    pk = request.POST.get("message", "")
    return get_object_or_404(
        Message, conversation=conversation, direction=direction, pk=pk if pk.isdigit() else 0
    )


@login_required
def moderate(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    conversation = conversation_of(inbox_office_of(request, slug), pk)
    if request.method != "POST":
        return _back(request, conversation)
    if not has_role(request.user, conversation.office, *AGENTS):
        raise PermissionDenied
    message = _message_of(request, conversation, Direction.INBOUND)
    form = ModerationForm(request.POST, prefix=f"m{message.pk}")
    refused = not form.is_valid()
    if not refused:
        try:
            data = form.cleaned_data
            work.moderate(message, data["action"], reason=data["reason"], by=request.user)
        except LifecycleError as error:
            messages.error(request, str(error))
            refused = True
    if refused:
        moderation = {message.pk: form}
        return render_conversation(request, conversation, moderation=moderation, status=400)
    messages.success(request, _("Moderation saved and logged."))
    return _back(request, conversation, f"#message-{message.pk}")


def _reuse(request: HttpRequest, slug: str, pk: int, kind: str) -> HttpResponse:
    """A sent answer becomes a text template or an FAQ suggestion. The verb decides which
    messages qualify (the office's own answers, approved, with text left); a refusal shows
    the page again with what was typed."""
    conversation = conversation_of(inbox_office_of(request, slug), pk)
    if request.method != "POST":
        return _back(request, conversation)
    if not has_role(request.user, conversation.office, *reuse.REUSERS):
        raise PermissionDenied
    chosen = request.POST.get("message", "")
    answer = get_object_or_404(
        Message.objects.select_related("conversation", "office", "author_user"),
        conversation=conversation,
        pk=chosen if chosen.isdigit() else 0,
    )
    typed = request.POST.get(REUSE_FIELDS[kind], "")
    try:
        if kind == "template":
            template = reuse.save_as_template(answer, title=typed, by=request.user)
            done = _("Saved as text template “%(title)s”.") % {"title": template.title}
        else:
            reuse.save_as_faq(answer, question=typed, by=request.user)
            done = _("Suggested for the FAQ; an approver or office admin publishes it.")
    except LifecycleError as error:
        messages.error(request, str(error))
        refused = {"message": answer.pk, "kind": kind, "value": typed, "error": str(error)}
        return render_conversation(request, conversation, {"reuse": refused}, status=400)
    messages.success(request, done)
    return _back(request, conversation, f"#message-{answer.pk}")


# The one field each form of the conversation page sends besides the message.
REUSE_FIELDS = {"template": "title", "faq": "question"}


@login_required
def save_template(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _reuse(request, slug, pk, "template")


@login_required
def save_faq(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    return _reuse(request, slug, pk, "faq")


@login_required
def notifications(request: HttpRequest, slug: str) -> HttpResponse:
    """The inbox's notifications page of old: they are on the one notifications page now;
    links in old mails and bookmarks lead there (after the same 404 for other offices)."""
    office = inbox_office_of(request, slug)
    return redirect("desk:notification_list", office.slug, permanent=True)


@login_required
def notifications_read(request: HttpRequest, slug: str) -> HttpResponse:
    """The old page's "mark as read" (a form in a tab open since before the move): its
    numbers are no longer the notifications', so it marks nothing and shows the new page."""
    office = inbox_office_of(request, slug)
    return redirect("desk:notification_list", office.slug)


@login_required
def citizen_data(request: HttpRequest, slug: str) -> HttpResponse:
    """Data-subject requests (GDPR Art. 15 and 17): export or erase one citizen's data."""
    office = office_of(request, slug, Role.ADMIN)
    form = CitizenDataForm(request.POST or None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "erase" and not request.POST.get("confirm"):
            form.add_error("confirm", _("Confirm the erasure: it cannot be undone."))
        if action in ("export", "erase") and form.is_valid():
            who = {"email": form.cleaned_data["email"], "handle": form.cleaned_data["handle"]}
            try:
                if action == "export":
                    data = subject_requests.export(office, by=request.user, **who)
                    return _download(office.slug, data)
                counts = subject_requests.erase(office, by=request.user, **who)
            except LifecycleError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _erased(counts))
                return redirect("desk:citizen_data", office.slug)
        status = 400
    return page(
        request, "desk/inbox_citizen_data.html", {"office": office, "form": form}, status=status
    )


def _download(slug: str, data: dict) -> HttpResponse:
    body = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    response["Content-Disposition"] = f'attachment; filename="buergerdaten-{slug}-{stamp}.json"'
    response["Cache-Control"] = "no-store"  # personal data: no copy in any cache
    return response


def _erased(counts: dict) -> str:
    return _(
        "Erased: %(conversations)d conversations, %(messages)d messages, %(photos)d photos; "
        "%(follows)d follows ended."
    ) % {key: counts.get(key, 0) for key in ("conversations", "messages", "photos", "follows")}
