"""Instagram: an admin connects a business account with its ID and the access token of
the Facebook page it is linked to; Meta is asked for the account first. A token that
cannot reach the account is refused with Meta's words, and nothing is stored."""

import pytest

from rathaus.connectors import accounts
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import DeliveryError
from tests.fakes.graph import IG_ID, PAGE_ID

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages", "loopback_platforms")


def _connect(office, office_admin, graph, values):
    return accounts.connect(office, "instagram", values, api_base=graph.url, by=office_admin)


def test_the_pages_token_connects_the_account(graph, office, office_admin):
    account = _connect(office, office_admin, graph, graph.credentials("instagram"))

    assert (account.remote_id, account.name) == (IG_ID, "bezirksamt.mitte")
    assert account.details == {"username": "bezirksamt.mitte"}
    assert account.access_token == graph.token_of(PAGE_ID)
    [call] = graph.requests
    assert call.path == f"/v21.0/{IG_ID}"
    assert call.query["fields"] == ["id,username"]


@pytest.mark.parametrize(
    ("token", "said"), [("EAAG-wrong", "Invalid OAuth access token"), (None, "Permissions error")]
)
def test_a_token_that_cannot_reach_the_account_is_refused(graph, office, office_admin, token, said):
    token = token or graph.credentials("facebook", 1)["access_token"]  # another page's

    with pytest.raises(DeliveryError, match=said):
        _connect(
            office, office_admin, graph, {"instagram_account_id": IG_ID, "access_token": token}
        )

    assert not ConnectedAccount.objects.exists()


def test_the_account_id_must_be_a_number(graph, office, office_admin):
    values = {"instagram_account_id": "@bezirksamt.mitte", "access_token": graph.token_of(PAGE_ID)}

    with pytest.raises(DeliveryError, match="numeric ID"):
        _connect(office, office_admin, graph, values)

    assert graph.requests == []
