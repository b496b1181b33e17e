"""Instagram: the same Meta sign-in as Facebook connects the Instagram business account
linked to one of the person's pages (the one asked for, else the first linked one), with
that page's lasting token."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from rathaus.connectors.models import ConnectedAccount
from rathaus.connectors.platforms.instagram import InstagramConnector
from rathaus.delivery.channels import PermanentError
from tests.fakes.graph import APP_ID, APP_SECRET, IG_ID, PAGE_ID, USER_TOKEN, FakeGraph
from tests.helpers import log_in

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def graph(settings):
    with FakeGraph() as server:
        settings.CONNECTOR_API_BASES = {"instagram": server.url}
        settings.CONNECTOR_OAUTH_APPS = {"facebook": (APP_ID, APP_SECRET)}
        yield server


def test_signing_in_connects_the_linked_account(
    client, office, office_admin, graph, settings, django_capture_on_commit_callbacks
):
    settings.CONNECTOR_OAUTH_APPS["instagram"] = (APP_ID, APP_SECRET)  # the same Meta app
    log_in(client, office_admin)
    start = client.post(reverse("desk:oauth_start", args=[office.slug, "instagram"]))
    query = parse_qs(urlsplit(start["Location"]).query)
    assert "instagram_content_publish" in query["scope"][0]

    with django_capture_on_commit_callbacks(execute=True):  # the worker exchanges the code
        client.get(reverse("desk:oauth_callback"), {"code": "code-1", "state": query["state"][0]})

    account = ConnectedAccount.objects.get()
    assert (account.platform, account.remote_id, account.name) == (
        "instagram",
        IG_ID,
        "bezirksamt.mitte",
    )
    assert account.access_token == graph.token_of(PAGE_ID)
    assert account.details["page_id"] == PAGE_ID
    [pages] = graph.calls("GET", r"^/v21\.0/me/accounts$")
    assert "instagram_business_account{id,username}" in pages.query["fields"][0]


def test_the_account_asked_for_is_connected(graph):
    other = graph.connection_values("instagram", 1)

    connection = InstagramConnector.from_oauth(
        graph.url, {"access_token": USER_TOKEN, "instagram_account_id": other["remote_id"]}
    )

    assert connection.remote_id == other["remote_id"]
    assert connection.access_token == other["access_token"]


def test_pages_without_a_linked_account_are_refused(graph):
    graph.pages[PAGE_ID]["ig"] = None

    with pytest.raises(PermanentError, match="linked to an Instagram business account"):
        InstagramConnector.from_oauth(graph.url, {"access_token": USER_TOKEN})
