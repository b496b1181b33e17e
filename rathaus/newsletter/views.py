"""The newsletter's public pages under ``/<office>/newsletter/``, and the bounce push address.

Like every public page they set no cookies, so the forms carry no CSRF token: they are
``csrf_exempt``. The subscription form is defended like the contact form (lib/spam.py:
signed form nonce, honeypot, per-address rate limit shared with the contact form) and only
ever leads to a confirmation mail. The subscriber's pages are reached by the random token
in their links; following a link changes nothing (mail scanners follow links), only the
button on the page does. The unsubscribe address also takes the one-click POST of RFC 8058
(``List-Unsubscribe=One-Click``), with no token and no further page.
"""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from rathaus.lib import spam
from rathaus.newsletter import bounces, subscribing
from rathaus.newsletter.forms import PreferencesForm, SubscribeForm
from rathaus.newsletter.models import PENDING_DAYS, NewsletterSettings, Subscriber
from rathaus.offices.models import Office
from rathaus.posts.models import Category

SAVED_FLAG = "gespeichert"
ONE_CLICK = "One-Click"
# A bounce is read by its beginning: the report comes before the returned message.
MAX_BOUNCE_BYTES = 1024 * 1024


def _office(slug: str) -> Office:
    return get_object_or_404(Office, slug=slug)


def _page(
    request: HttpRequest, office: Office, template: str, status: int = 200, **context
) -> HttpResponse:
    context |= {"office": office, "categories": list(Category), "pending_days": PENDING_DAYS}
    response = render(request, f"newsletter/{template}", context, status=status)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _personal(response: HttpResponse) -> HttpResponse:
    """A page named by a subscriber's token: kept out of search engines, and the token in
    its address goes to no other site as a Referer."""
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _language() -> str:
    current = (translation.get_language() or settings.LANGUAGE_CODE)[:2]
    return current if current in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def _fresh(form: SubscribeForm) -> SubscribeForm:
    """The form again with what was entered and a new nonce (honeypot, rate limit)."""
    chosen = form.data.getlist("categories") if hasattr(form.data, "getlist") else []
    initial = {"email": form.data.get("email", ""), "categories": chosen or Category.values}
    return SubscribeForm(initial=initial | {"nonce": spam.new_nonce()})


def _rejected(form: SubscribeForm, request: HttpRequest) -> tuple[str, int] | None:
    if spam.over_limit(request):
        return _("You have sent several forms in a short time. Please wait ten minutes."), 429
    if form.is_bot:
        spam.count(request)
        problem = _(
            "Your subscription was not sent, because the field “Leave this field empty” was "
            "filled in (perhaps by your browser). Please send it again."
        )
        return problem, 400
    return None


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    if subscribing.enabled_settings(office) is None:
        raise Http404
    if request.method != "POST":
        form = SubscribeForm(initial={"nonce": spam.new_nonce(), "categories": Category.values})
        return _page(request, office, "subscribe.html", form=form)
    form = SubscribeForm(request.POST)
    rejected = _rejected(form, request)
    if rejected is not None:
        problem, status = rejected
        return _page(request, office, "subscribe.html", status, form=_fresh(form), problem=problem)
    if not form.is_valid():
        data = form.data.copy()
        data["nonce"] = spam.new_nonce()  # an expired one would fail again
        form.data = data
        return _page(request, office, "subscribe.html", 400, form=form)
    spam.count(request)
    subscribing.subscribe(
        office,
        email=form.cleaned_data["email"],
        categories=form.cleaned_data["categories"],
        language=_language(),
    )
    # The same answer whatever the address's state: nothing to learn from it.
    response = HttpResponseRedirect(
        reverse("newsletter:check-mail", args=[office.slug]), status=303
    )
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_safe
def check_mail(request: HttpRequest, slug: str) -> HttpResponse:
    office = _office(slug)
    return _page(request, office, "check_mail.html")


def _subscriber(office: Office, token: str) -> Subscriber | None:
    return Subscriber.by_token(token).filter(office=office).first()


def _link_problem(request: HttpRequest, office: Office) -> HttpResponse:
    open_ = subscribing.enabled_settings(office) is not None
    return _personal(_page(request, office, "link_problem.html", 404, subscribable=open_))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    office = _office(slug)
    subscriber = _subscriber(office, token)
    if subscriber is None or subscriber.status == Subscriber.Status.BOUNCED:
        return _link_problem(request, office)
    if request.method == "POST":
        subscriber = subscribing.confirm(subscriber)
    return _personal(_page(request, office, "confirm.html", subscriber=subscriber))


def _unsubscribed(request: HttpRequest, office: Office) -> HttpResponse:
    return _personal(_page(request, office, "unsubscribed.html"))


@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def manage(request: HttpRequest, slug: str, token: str) -> HttpResponse:
    office = _office(slug)
    subscriber = _subscriber(office, token)
    one_click = request.method == "POST" and request.POST.get("List-Unsubscribe") == ONE_CLICK
    if subscriber is None:
        # Unsubscribed before (the row is gone) or never a link of ours: a repeated
        # one-click request succeeds again, a page explains.
        return _unsubscribed(request, office) if one_click else _link_problem(request, office)
    if one_click or (request.method == "POST" and "unsubscribe" in request.POST):
        subscribing.unsubscribe(subscriber)
        return _unsubscribed(request, office)
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if not form.is_valid():
            return _personal(
                _page(request, office, "manage.html", 400, subscriber=subscriber, form=form)
            )
        subscribing.change(subscriber, **form.cleaned_data)
        response = HttpResponseRedirect(f"{request.path}?{SAVED_FLAG}=1", status=303)
        patch_cache_control(response, private=True, no_store=True)
        return _personal(response)
    initial = {"categories": subscriber.category_values, "language": subscriber.language}
    context = {"subscriber": subscriber, "saved": request.GET.get(SAVED_FLAG) == "1"}
    form = PreferencesForm(initial=initial)
    return _personal(_page(request, office, "manage.html", form=form, **context))


def _newsletter_for(token: str) -> NewsletterSettings:
    """The settings with this bounce token, found by the token's hash (only the hash is
    stored; comparing hashes of a 256-bit token leaks nothing usable through timing)."""
    found = NewsletterSettings.by_bounce_token(token).select_related("office").first()
    if found is None:
        raise Http404
    return found


@csrf_exempt
@require_POST
def bounce(request: HttpRequest, token: str) -> HttpResponse:
    """An MTA posts each message that reaches the bounce address (``curl --data-binary
    @-``, optionally ``?to=<envelope recipient>``). Answered 202 whatever it was, so the
    MTA does not send it again; 404 for an unknown token."""
    newsletter = _newsletter_for(token)
    raw = request.read(MAX_BOUNCE_BYTES)
    if not raw.strip():
        return HttpResponse("Empty message.\n", status=400, content_type="text/plain")
    # Written unencoded into the query (``?to=${recipient}``), the "+" of a bounce address
    # arrives as a space; an address has no spaces, so it can only be that.
    envelope = [value.replace(" ", "+") for value in request.GET.getlist("to")]
    outcome = bounces.handle(newsletter, raw, envelope)
    return JsonResponse({"result": outcome}, status=202)
