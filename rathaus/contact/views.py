"""The public contact pages of an office's newsroom: the contact form (also per post), the
citizen's follow page and the netiquette.

Like every public page they set no cookies, so the forms carry no CSRF token: they are
``csrf_exempt`` and defended by spam.py instead (they change nothing of anyone's account,
they only hand in a message). The form pages carry a nonce of their own, the follow page is
personal: none of them may be kept by a cache (``private, no-store``).
"""

from __future__ import annotations

import math

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_safe

from rathaus.contact import follow, submitting
from rathaus.contact.forms import ContactForm, FollowUpForm, MessageForm
from rathaus.inbox.models import Conversation
from rathaus.lib import spam
from rathaus.newsroom import caching
from rathaus.offices.models import Office
from rathaus.posts.models import Category, Post
from rathaus.response_times import targets

# The statuses as the citizen reads them.
CITIZEN_STATUS = {
    Conversation.Status.NEW: gettext_lazy("Received"),
    Conversation.Status.OPEN: gettext_lazy("Being worked on"),
    Conversation.Status.WAITING: gettext_lazy("Waiting for your answer"),
    Conversation.Status.ANSWERED: gettext_lazy("Answered"),
    Conversation.Status.CLOSED: gettext_lazy("Closed"),
}
SENT_FLAG = "gesendet"
# Far above a 5 MB photo and 5,000 characters: up to here the form is read, so the citizen
# gets the error next to the photo and keeps the text; beyond, the body is not even read.
MAX_REQUEST_BYTES = 20 * 1024 * 1024


def _office(slug: str) -> Office:
    return get_object_or_404(Office, slug=slug)


def _page(
    request: HttpRequest, office: Office, template: str, status: int = 200, **context
) -> HttpResponse:
    context |= {"office": office, "categories": list(Category)}
    context.setdefault("pow_bits", spam.proof_of_work_bits())
    if template == "form.html":
        context["answer_within"] = _answer_within(office)
    response = render(request, f"contact/{template}", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _answer_within(office: Office) -> int | None:
    """The working hours within which the office means to answer a new message (its
    default response-time target), for the form to tell the citizen; None without one."""
    target = targets.target_for(office, "")
    hours = target.first_response_hours if target is not None else None
    return math.ceil(hours) if hours else None


def _fresh(form_class: type[MessageForm], form: MessageForm, **extra) -> MessageForm:
    """An unbound form with what the citizen wrote and a new nonce, for answers that are
    no validation error (honeypot, rate limit, replayed form): their text is kept."""
    names = ("name", "email", "message")
    initial = {name: form.data.get(name, "") for name in names if name in form.fields}
    return form_class(initial=initial | {"nonce": spam.new_nonce()}, **extra)


def _keep_nonce_or_renew(form: MessageForm) -> None:
    """After validation errors: the same nonce (so finished work still counts), a new one
    if it was the nonce that failed; the browser does failed work again."""
    data = form.data.copy()
    if not form.nonce_id:
        data["nonce"], data["work"] = spam.new_nonce(), ""
    elif form.has_error("__all__", "work"):
        data["work"] = ""
    form.data = data


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_REQUEST_BYTES
    except ValueError:
        return True


def _too_large_problem() -> str:
    return _(
        "This message is too large to be received. Please send a smaller photo (at most 5 MB)."
    )


def _rejected(form: MessageForm, request: HttpRequest) -> tuple[str, int] | None:
    """A reason and status when the submission must not even be read, else None."""
    if spam.over_limit(request):
        return (
            _(
                "You have sent several messages in a short time. Please wait ten minutes "
                "and send your message again; your text is kept below."
            ),
            429,
        )
    if form.is_bot:
        spam.count(request)
        return (
            _(
                "Your message was not sent, because the field “Leave this field empty” was "
                "filled in (perhaps by your browser). Please send it again; your text is "
                "kept below."
            ),
            400,
        )
    return None


def _contact(request: HttpRequest, office: Office, post: Post | None) -> HttpResponse:
    bits = spam.proof_of_work_bits()
    context = {"post": post}
    if request.method != "POST":
        form = ContactForm(initial={"nonce": spam.new_nonce()}, pow_bits=bits)
        return _page(request, office, "form.html", form=form, **context)
    if _too_large(request):
        problem = _too_large_problem()
        form = ContactForm(initial={"nonce": spam.new_nonce()}, pow_bits=bits)
        return _page(request, office, "form.html", 413, form=form, problem=problem, **context)
    form = ContactForm(request.POST, request.FILES, pow_bits=bits)
    rejected = _rejected(form, request)
    if rejected is not None:
        problem, status = rejected
        form = _fresh(ContactForm, form, pow_bits=bits)
        return _page(request, office, "form.html", status, form=form, problem=problem, **context)
    if not form.is_valid():
        if form.has_error("__all__", "work"):
            spam.count(request)
        _keep_nonce_or_renew(form)
        photo_lost = bool(request.FILES.get("photo"))
        return _page(request, office, "form.html", 400, form=form, photo_lost=photo_lost, **context)
    spam.count(request)
    data = form.cleaned_data
    try:
        message, _created = submitting.ask(
            office,
            nonce_id=form.nonce_id,
            text=data["message"],
            name=data["name"],
            email=data["email"],
            photo=form.photo_file,
            post=post,
            link=lambda conversation: follow.url(conversation, request),
        )
    except submitting.NonceUsed:
        problem = _("This form was already sent once. Please send your message again.")
        form = _fresh(ContactForm, form, pow_bits=bits)
        return _page(request, office, "form.html", 400, form=form, problem=problem, **context)
    conversation = message.conversation
    return _page(
        request,
        office,
        "thanks.html",
        conversation=conversation,
        follow_url=follow.url(conversation, request),
        follow_path=follow.path(conversation),
        **context,
    )


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, slug: str) -> HttpResponse:
    return _contact(request, _office(slug), None)


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def post_question(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = _office(slug)
    post = get_object_or_404(Post.objects.public(), office=office, pk=pk)
    return _contact(request, office, post)


def _follow_page(
    request: HttpRequest,
    conversation: Conversation,
    form: FollowUpForm | None,
    status: int = 200,
    **context,
) -> HttpResponse:
    response = _page(
        request,
        conversation.office,
        "follow.html",
        status,
        conversation=conversation,
        citizen_status=CITIZEN_STATUS.get(conversation.status, conversation.status),
        messages=follow.visible_messages(conversation),
        form=form if not conversation.anonymised_at else None,
        sent=request.GET.get(SENT_FLAG) == "1",
        **context,
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def follow_conversation(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    office = _office(slug)
    try:
        conversation = follow.conversation_for(office, token)
    except follow.LinkExpired:
        return _page(request, office, "link_problem.html", 410, expired=True)
    except follow.LinkInvalid:
        return _page(request, office, "link_problem.html", 404, expired=False)
    bits = spam.proof_of_work_bits()
    if request.method != "POST" or conversation.anonymised_at:
        form = FollowUpForm(initial={"nonce": spam.new_nonce()}, pow_bits=bits)
        return _follow_page(request, conversation, form)
    if _too_large(request):
        form = FollowUpForm(initial={"nonce": spam.new_nonce()}, pow_bits=bits)
        return _follow_page(request, conversation, form, 413, problem=_too_large_problem())
    form = FollowUpForm(request.POST, request.FILES, pow_bits=bits)
    rejected = _rejected(form, request)
    if rejected is not None:
        problem, status = rejected
        form = _fresh(FollowUpForm, form, pow_bits=bits)
        return _follow_page(request, conversation, form, status, problem=problem)
    if not form.is_valid():
        if form.has_error("__all__", "work"):
            spam.count(request)
        _keep_nonce_or_renew(form)
        photo_lost = bool(request.FILES.get("photo"))
        return _follow_page(request, conversation, form, 400, photo_lost=photo_lost)
    spam.count(request)
    try:
        message = submitting.write_again(
            conversation,
            nonce_id=form.nonce_id,
            text=form.cleaned_data["message"],
            photo=form.photo_file,
        )
    except submitting.NonceUsed:
        problem = _("This form was already sent once. Please send your message again.")
        form = _fresh(FollowUpForm, form, pow_bits=bits)
        return _follow_page(request, conversation, form, 400, problem=problem)
    # Back to the page itself, so a reload does not ask to send the form again.
    response = HttpResponseRedirect(
        f"{request.path}?{SENT_FLAG}=1#message-{message.pk}", status=303
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
@caching.office_page
def netiquette(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    context = {"office": office, "categories": list(Category)}
    return render(request, "contact/netiquette.html", context)
