"""The office's channels (office admins): connected platform accounts, connecting by token
or OAuth, disconnecting, and which channels each category goes to by default."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from rathaus.connectors import accounts, family, oauth
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery import channels, defaults
from rathaus.delivery.channels import DeliveryError
from rathaus.desk.forms import ConnectForm
from rathaus.desk.pages import page
from rathaus.desk.tenancy import office_of
from rathaus.offices.access import office_for
from rathaus.offices.models import Office, Role
from rathaus.posts.errors import LifecycleError
from rathaus.posts.models import Category


def _connector(platform: str) -> type:
    connector = family.connectors().get(platform)
    if connector is None:
        raise Http404
    return connector


@login_required
def channel_settings(request: HttpRequest, office: str) -> HttpResponse:
    office = office_of(request, office, Role.ADMIN)
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
        "office": office,
        "accounts": ConnectedAccount.objects.filter(office=office),
        "attention": {a.pk for a in accounts.attention(office)},
        "platforms": [
            (key, connector, oauth.offers_oauth(key))
            for key, connector in family.connectors().items()
        ],
        "channels": every,
        "rows": rows,
    }
    return page(request, "desk/channels.html", context)


@login_required
def account_connect(request: HttpRequest, office: str, platform: str) -> HttpResponse:
    office = office_of(request, office, Role.ADMIN)
    connector = _connector(platform)
    form = ConnectForm(request.POST or None, connector=connector)
    if request.method == "POST" and form.is_valid():
        try:
            account = accounts.connect(
                office,
                platform,
                form.values(),
                api_base=form.cleaned_data.get("api_base", ""),
                by=request.user,
            )
        except DeliveryError as error:
            form.add_error(None, _("The platform refused: %(error)s") % {"error": error})
        else:
            messages.success(request, _("%(name)s is connected.") % {"name": account.name})
            return redirect("desk:channels", office.slug)
    context = {
        "office": office,
        "connector": connector,
        "form": form,
        "offers_oauth": oauth.offers_oauth(platform),
    }
    return page(request, "desk/channel_connect.html", context)


@login_required
def account_disconnect(request: HttpRequest, office: str, pk: int) -> HttpResponse:
    office = office_of(request, office, Role.ADMIN)
    account = get_object_or_404(ConnectedAccount, office=office, pk=pk)
    if request.method != "POST":
        return redirect("desk:channels", office.slug)
    accounts.disconnect(account, by=request.user)
    messages.success(
        request, _("%(name)s is disconnected; its tokens are deleted.") % {"name": account.name}
    )
    return redirect("desk:channels", office.slug)


@login_required
def oauth_start(request: HttpRequest, office: str, platform: str) -> HttpResponse:
    office = office_of(request, office, Role.ADMIN)
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
        connection = oauth.finish(flow, request.GET["code"])
        account = accounts.store(office, flow["platform"], connection, by=request.user)
    except (oauth.OAuthError, DeliveryError, LifecycleError) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("%(name)s is connected.") % {"name": account.name})
    return redirect("desk:channels", office.slug)
