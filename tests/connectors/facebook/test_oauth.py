"""Facebook: signing in with Facebook connects a page. The short-lived user token of the
sign-in is exchanged for a long-lived one (posted, so the app secret stays out of every
address and log), and the page's token — which then does not expire — is kept. Of several
pages the one asked for is connected, else the first; the others are listed."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from rathaus.connectors.models import ConnectedAccount
from rathaus.connectors.platforms.facebook import FacebookConnector
from rathaus.delivery.channels import PermanentError
from tests.fakes.graph import APP_ID, APP_SECRET, PAGE_ID, USER_TOKEN, FakeGraph
from tests.helpers import log_in

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def graph(settings):
    with FakeGraph() as server:
        settings.CONNECTOR_API_BASES = {"facebook": server.url}
        settings.CONNECTOR_OAUTH_APPS = {"facebook": (APP_ID, APP_SECRET)}
        yield server


def test_signing_in_connects_the_page_with_a_lasting_token(
    client, office, office_admin, graph, django_capture_on_commit_callbacks
):
    log_in(client, office_admin)
    start = client.post(reverse("desk:oauth_start", args=[office.slug, "facebook"]))
    location = urlsplit(start["Location"])
    query = parse_qs(location.query)
    assert location.path == "/v21.0/dialog/oauth"
    assert "pages_manage_posts" in query["scope"][0]
    assert "instagram_content_publish" in query["scope"][0]

    with django_capture_on_commit_callbacks(execute=True):  # the worker exchanges the code
        client.get(reverse("desk:oauth_callback"), {"code": "code-1", "state": query["state"][0]})

    account = ConnectedAccount.objects.get()
    assert (account.platform, account.remote_id, account.name) == (
        "facebook",
        PAGE_ID,
        "Bezirksamt Mitte",
    )
    assert account.access_token == graph.token_of(PAGE_ID)
    assert account.token_expires_at is None
    code_exchange, long_lived = graph.calls("POST", r"^/v21\.0/oauth/access_token$")
    assert code_exchange.form()["grant_type"] == ["authorization_code"]
    assert long_lived.form()["grant_type"] == ["fb_exchange_token"]
    assert long_lived.form()["fb_exchange_token"] == [USER_TOKEN]
    assert long_lived.form()["client_secret"] == [APP_SECRET]
    assert not long_lived.query
    [pages] = graph.calls("GET", r"^/v21\.0/me/accounts$")
    assert pages.bearer.startswith("EAAG-user-long-")


def test_the_page_asked_for_is_connected_and_the_others_listed(graph):
    other = graph.connection_values("facebook", 1)

    connection = FacebookConnector.from_oauth(
        graph.url, {"access_token": USER_TOKEN, "page_id": other["remote_id"]}
    )

    assert connection.remote_id == other["remote_id"]
    assert connection.access_token == other["access_token"]
    assert connection.details == {"other_pages": [{"id": PAGE_ID, "name": "Bezirksamt Mitte"}]}


def test_an_account_without_pages_is_refused(graph):
    graph.users["7002"] = {"id": "7002", "pages": []}
    graph.tokens["EAAG-user-nopages"] = {"kind": "user", "user": "7002"}

    with pytest.raises(PermanentError, match="manages no page"):
        FacebookConnector.from_oauth(graph.url, {"access_token": "EAAG-user-nopages"})


def test_without_a_meta_app_nothing_is_asked(graph, settings):
    settings.CONNECTOR_OAUTH_APPS = {}

    with pytest.raises(PermanentError, match="no Meta app is configured"):
        FacebookConnector.from_oauth(graph.url, {"access_token": USER_TOKEN})

    assert graph.requests == []
