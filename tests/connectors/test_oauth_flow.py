"""Connecting by OAuth 2: to the platform and back, the code exchanged for tokens (with
PKCE where the platform wants it), the state used once, and only for the admin's office."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from rathaus.connectors import family
from rathaus.connectors.base import Connection, Connector, OAuth
from rathaus.connectors.models import ConnectedAccount
from tests.fakes.server import FakeServer, Response
from tests.helpers import log_in


class DemoConnector(Connector):
    platform = "demo"
    label = "Demo"
    oauth = OAuth(
        authorize_url="https://demo.example/oauth/authorize",
        token_url="https://api.demo.example/oauth/token",
        scopes=("post", "read"),
        pkce=True,
    )

    @classmethod
    def from_oauth(cls, api_base, tokens):
        return Connection(
            remote_id="org-7",
            name="Amt auf Demo",
            access_token=tokens["access_token"],
            refresh_token=tokens.get("refresh_token", ""),
        )


@pytest.fixture
def provider(settings):
    server = FakeServer()

    @server.route("POST", "/oauth/token")
    def token(request):
        form = {k: v[0] for k, v in request.form().items()}
        if form.get("code") != "good-code":
            return Response(400, {"error": "invalid_grant", "error_description": "Code expired"})
        return Response(
            200, {"access_token": "at-1", "refresh_token": "rt-1", "token_type": "bearer"}
        )

    with server:
        settings.CONNECTOR_API_BASES = {"demo": server.url}
        settings.CONNECTOR_OAUTH_APPS = {"demo": ("client-1", "secret-1")}
        family.connectors()["demo"] = DemoConnector
        yield server
        del family.connectors()["demo"]


def _start(client, office):
    response = client.post(reverse("desk:oauth_start", args=[office.slug, "demo"]))
    assert response.status_code == 302
    return parse_qs(urlsplit(response["Location"]).query), response["Location"]


def test_the_admin_is_sent_to_the_platform_with_state_and_pkce(
    client, office, office_admin, provider
):
    log_in(client, office_admin)
    query, location = _start(client, office)
    assert location.startswith(f"{provider.url}/oauth/authorize?")
    assert query["client_id"] == ["client-1"] and query["scope"] == ["post read"]
    assert query["code_challenge_method"] == ["S256"] and query["state"][0]


def test_coming_back_with_a_code_connects_the_account(
    client, office, office_admin, provider, django_capture_on_commit_callbacks
):
    log_in(client, office_admin)
    query, _location = _start(client, office)
    callback = reverse("desk:oauth_callback")
    with django_capture_on_commit_callbacks(execute=True):  # the worker exchanges the code
        response = client.get(callback, {"code": "good-code", "state": query["state"][0]})
    assert response["Location"] == reverse("desk:channels", args=[office.slug])
    account = ConnectedAccount.objects.get()
    assert (account.office, account.platform, account.access_token) == (office, "demo", "at-1")
    exchange = provider.calls("POST", "/oauth/token")[0].form()
    assert exchange["code_verifier"][0] and exchange["redirect_uri"][0].endswith(callback)
    # Basic auth carried the client's secret.
    assert provider.calls("POST", "/oauth/token")[0].headers["authorization"].startswith("Basic ")


def test_a_state_works_once(
    client, office, office_admin, provider, django_capture_on_commit_callbacks
):
    log_in(client, office_admin)
    query, _location = _start(client, office)
    callback = reverse("desk:oauth_callback")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(callback, {"code": "good-code", "state": query["state"][0]})
    again = client.get(callback, {"code": "good-code", "state": query["state"][0]}, follow=True)
    assert "used already" in again.content.decode() or "bereits" in again.content.decode()
    assert ConnectedAccount.objects.count() == 1


def test_a_forged_state_connects_nothing(client, office, office_admin, provider):
    log_in(client, office_admin)
    _start(client, office)
    client.get(reverse("desk:oauth_callback"), {"code": "good-code", "state": "forged"})
    assert not ConnectedAccount.objects.exists()


def test_a_refused_code_is_reported_and_stores_nothing(
    client, office, office_admin, provider, django_capture_on_commit_callbacks
):
    log_in(client, office_admin)
    query, _location = _start(client, office)
    with django_capture_on_commit_callbacks(execute=True):  # the worker exchanges the code
        client.get(reverse("desk:oauth_callback"), {"code": "old", "state": query["state"][0]})
    # The outcome is shown on the channels page the callback sends the admin to.
    response = client.get(reverse("desk:channels", args=[office.slug]))
    assert "Code expired" in response.content.decode()
    assert not ConnectedAccount.objects.exists()


def test_the_platform_saying_no_is_reported(client, office, office_admin, provider):
    log_in(client, office_admin)
    query, _location = _start(client, office)
    response = client.get(
        reverse("desk:oauth_callback"),
        {"error": "access_denied", "error_description": "User said no", "state": query["state"][0]},
        follow=True,
    )
    assert "User said no" in response.content.decode()
    assert not ConnectedAccount.objects.exists()


def test_an_outsider_cannot_start_a_flow_for_this_office(client, office, outsider, provider):
    log_in(client, outsider)
    response = client.post(reverse("desk:oauth_start", args=[office.slug, "demo"]))
    assert response.status_code == 404
    assert not provider.requests
