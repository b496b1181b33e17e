"""The office's channels (office admins): connected platform accounts, connecting by token
or OAuth, disconnecting, and which channels each category goes to by default.

Connecting waits on the platform (and on DNS for the server address), so these views only
check what needs no network and leave the rest to the worker (``accounts.request_*``); the
channels page shows the connection being checked and then its outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.connectors import accounts, family, oauth
from rathaus.connectors.models import ConnectedAccount, PendingConnection
from rathaus.delivery import channels, defaults
from rathaus.delivery.channels import DeliveryError
from rathaus.desk.forms.channels import ConnectForm
from rathaus.desk.pages import page, see_other
from rathaus.desk.tenancy import office_of
from rathaus.lib.weburls import is_web_url
from rathaus.offices.access import LifecycleError, office_for
from rathaus.offices.models import Office, Role
from rathaus.posts.models import Category


def _connector(platform: str) -> type:
    connector = family.connectors().get(platform)
    if connector is None:
        raise Http404
    return connector


def _accounts_context(office: Office) -> dict:
    pending = accounts.connections_under_way(office)
    return {
        "office": office,
        "accounts": ConnectedAccount.objects.filter(office=office).select_related("fetch"),
        "attention": {a.pk for a in accounts.attention(office)},
        "pending": pending,
        "checking": any(p.being_checked for p in pending),
    }


@login_required
def channel_settings(request: HttpRequest, slug: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    every = [c for c in channels.for_office(office) if c.key != defaults.ALWAYS]
    if request.method == "POST":
        matrix = {c.value: request.POST.getlist(f"default_{c.value}") for c in Category}
        defaults.choose(office, matrix, by=request.user)
        messages.success(request, _("The default channels were saved."))
        return redirect("desk:channels", office.slug)
    chosen = defaults.chosen(office.pk)
    rows = [
        (category, [(c, defaults.allows(category, c.key, chosen)) for c in every])
        for category in Category
    ]
    context = {
        **_accounts_context(office),
        "platforms": [
            (key, connector, oauth.offers_oauth(key))
            for key, connector in family.connectors().items()
        ],
        "channels": every,
        "rows": rows,
    }
    return page(request, "desk/channels.html", context)


@login_required
def account_connect(request: HttpRequest, slug: str, platform: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    connector = _connector(platform)
    form = ConnectForm(request.POST or None, connector=connector)
    if request.method == "POST" and form.is_valid():
        api_base = form.cleaned_data.get("api_base", "")
        if api_base and not is_web_url(api_base):
            form.add_error(
                "api_base", _("Enter a server address that starts with https:// or http://.")
            )
        elif connector.posted_by_hand:
            # A channel posted by hand has no API: its check waits on nobody.
            try:
                account = accounts.connect(
                    office, platform, form.values(), api_base=api_base, by=request.user
                )
            except DeliveryError as error:
                form.add_error(None, str(error))  # in plain words (connectors.plain_words)
            else:
                messages.success(request, _("%(name)s is connected.") % {"name": account.name})
                return redirect("desk:channels", office.slug)
        else:
            try:
                accounts.request_connection(
                    office, platform, form.values(), api_base=api_base, by=request.user
                )
            except LifecycleError as error:
                form.add_error(None, str(error))
            else:
                return see_other("desk:channels", office)
    context = {
        "office": office,
        "connector": connector,
        "form": form,
        "offers_oauth": oauth.offers_oauth(platform),
        "callback": request.build_absolute_uri(reverse("desk:oauth_callback")),
    }
    response = page(request, "desk/channel_connect.html", context)
    if context["offers_oauth"]:
        # "Sign in with …" posts to oauth_start, which redirects to the platform; browsers
        # hold that redirect to this page's form-action (django-csp adds it to 'self').
        response._csp_update = {"form-action": [oauth.authorize_origin(platform)]}
    return response


@login_required
def account_disconnect(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    account = get_object_or_404(ConnectedAccount, office=office, pk=pk)
    if request.method != "POST":
        return redirect("desk:channels", office.slug)
    accounts.disconnect(account, by=request.user)
    messages.success(
        request, _("%(name)s is disconnected; its tokens are deleted.") % {"name": account.name}
    )
    return redirect("desk:channels", office.slug)


@login_required
def oauth_start(request: HttpRequest, slug: str, platform: str) -> HttpResponse:
    office = office_of(request, slug, Role.ADMIN)
    _connector(platform)
    if request.method != "POST":
        return redirect("desk:account_connect", office.slug, platform)
    try:
        target = oauth.start(
            request.session,
            office_id=office.pk,
            platform=platform,
            redirect_uri=request.build_absolute_uri(reverse("desk:oauth_callback")),
        )
    except oauth.OAuthError as error:
        messages.error(request, str(error))
        return redirect("desk:channels", office.slug)
    return redirect(target)


@login_required
def oauth_callback(request: HttpRequest) -> HttpResponse:
    """Where every platform sends the admin back to after they agreed (or refused)."""
    try:
        flow = oauth.pending(request.session, request.GET.get("state", ""))
    except oauth.OAuthError as error:
        messages.error(request, str(error))
        return redirect("desk:home")
    office = Office.objects.filter(pk=flow["office"]).first()
    if office is None:
        raise Http404
    office = office_for(request.user, office.slug)
    if "error" in request.GET or not request.GET.get("code"):
        messages.error(
            request,
            _("The platform did not give access: %(why)s")
            % {"why": request.GET.get("error_description") or request.GET.get("error") or "–"},
        )
        return redirect("desk:channels", office.slug)
    try:
        accounts.request_oauth_connection(flow, request.GET["code"], by=request.user)
    except LifecycleError as error:
        messages.error(request, str(error))
    return see_other("desk:channels", office)


@login_required
def connections(request: HttpRequest, slug: str) -> HttpResponse:
    """The connected accounts and the connections being checked, which the channels page
    fetches again every 2 seconds while one is (htmx); a POST dismisses a finished one."""
    office = office_of(request, slug, Role.ADMIN)
    if request.method == "POST":
        pk = request.POST.get("dismiss", "")
        if not (pk.isascii() and pk.isdigit() and len(pk) < 16):  # else a 500, not a 404
            raise Http404
        pending = get_object_or_404(PendingConnection, office=office, pk=int(pk))
        accounts.dismiss(pending, by=request.user)
        return see_other("desk:channels", office)
    return render(request, "desk/channels_accounts.html", _accounts_context(office))
