"""Facebook: an admin connects a page with its ID and a page access token; Rathaus asks
Meta for the page and makes sure the token is that page's. Anything wrong is refused with
Meta's words, and nothing is stored."""

import pytest

from rathaus.connectors import accounts
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import DeliveryError
from tests.fakes.graph import PAGE_ID, USER_TOKEN

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages", "loopback_platforms")


def _connect(office, office_admin, graph, values):
    return accounts.connect(office, "facebook", values, api_base=graph.url, by=office_admin)


def test_a_page_token_connects_the_page(graph, office, office_admin):
    account = _connect(office, office_admin, graph, graph.credentials())

    assert (account.remote_id, account.name) == (PAGE_ID, "Bezirksamt Mitte")
    assert account.access_token == graph.token_of(PAGE_ID)
    assert account.token_expires_at is None
    assert account.status == "active"
    assert [r.path for r in graph.requests] == [f"/v21.0/{PAGE_ID}", "/v21.0/me"]
    assert all(r.bearer == graph.token_of(PAGE_ID) for r in graph.requests)


@pytest.mark.parametrize(
    ("token", "said"),
    [
        ("EAAG-wrong", "Invalid OAuth access token"),
        (USER_TOKEN, "this is not the page's access token"),
    ],
)
def test_a_wrong_token_is_refused_and_nothing_stored(
    graph, office, office_admin, token, said, english_messages
):
    with pytest.raises(DeliveryError, match=said):
        _connect(office, office_admin, graph, {"page_id": PAGE_ID, "access_token": token})

    assert not ConnectedAccount.objects.exists()


def test_another_pages_token_is_refused(graph, office, office_admin):
    other = graph.credentials("facebook", 1)["access_token"]

    with pytest.raises(DeliveryError, match="Page ID and token differ"):
        _connect(office, office_admin, graph, {"page_id": PAGE_ID, "access_token": other})

    assert not ConnectedAccount.objects.exists()


def test_a_page_id_must_be_a_number(graph, office, office_admin):
    values = {"page_id": "bezirksamt.mitte", "access_token": graph.token_of(PAGE_ID)}

    with pytest.raises(DeliveryError, match="numeric ID"):
        _connect(office, office_admin, graph, values)

    assert graph.requests == []
    assert not ConnectedAccount.objects.exists()
