"""Connecting an X account: a pasted OAuth 2.0 user token is checked at GET /2/users/me
(a refused one stores nothing); a pasted refresh token is renewed at once, so the expiry
is known; the OAuth 2.0 flow with PKCE ends in ``from_oauth`` with X's token answer."""

import base64
import hashlib
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from rathaus.connectors import accounts
from rathaus.connectors.models import ConnectedAccount
from rathaus.connectors.platforms.x import XConnector
from rathaus.delivery.channels import DeliveryError, NeedsReauthorisation, TemporaryError
from tests.fakes.x import CLIENT_ID, CLIENT_SECRET, FakeX

pytestmark = pytest.mark.usefixtures("loopback_platforms")

REDIRECT = "https://rathaus.example/desk/oauth/x/done"


@pytest.fixture
def fake(settings):
    settings.CONNECTOR_OAUTH_APPS = {"x": (CLIENT_ID, CLIENT_SECRET)}
    with FakeX() as server:
        yield server


def test_a_pasted_access_token_connects_the_account(office, office_admin, fake):
    account = accounts.connect(
        office, "x", {"access_token": "access-token-1"}, api_base=fake.url, by=office_admin
    )

    assert (account.remote_id, account.name) == ("1", "Bezirksamt Mitte")
    assert account.details == {"username": "ba_mitte"}
    assert account.access_token == "access-token-1"
    assert account.status == ConnectedAccount.Status.ACTIVE
    [me] = fake.calls("GET", r"^/2/users/me$")
    assert me.bearer == "access-token-1"


def test_a_refused_token_stores_nothing(office, office_admin, fake):
    with pytest.raises(NeedsReauthorisation, match="401"):
        accounts.connect(
            office, "x", {"access_token": "made-up"}, api_base=fake.url, by=office_admin
        )

    assert not ConnectedAccount.objects.exists()


def test_a_pasted_refresh_token_is_renewed_at_once(office, office_admin, fake):
    pasted = fake.issue_refresh_token("1")

    account = accounts.connect(
        office,
        "x",
        {"access_token": "", "refresh_token": pasted},
        api_base=fake.url,
        by=office_admin,
    )

    assert account.remote_id == "1"
    assert account.token_expires_at is not None
    assert account.refresh_token in fake.refresh_tokens
    assert pasted not in fake.refresh_tokens  # X rotated it
    assert fake.calls("GET", r"^/2/users/me$")[0].bearer == account.access_token


def test_a_refused_refresh_token_stores_nothing(office, office_admin, fake):
    with pytest.raises(DeliveryError, match="Value passed for the token was invalid"):
        accounts.connect(
            office, "x", {"refresh_token": "made-up"}, api_base=fake.url, by=office_admin
        )

    assert not ConnectedAccount.objects.exists()


def _authorize(fake, verifier: str) -> str:
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT,
        "scope": " ".join(XConnector.oauth.scopes),
        "state": "s1",
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    path = urlsplit(XConnector.oauth.authorize_url).path
    answer = requests.get(f"{fake.url}{path}?{urlencode(query)}", allow_redirects=False)
    return parse_qs(urlsplit(answer.headers["Location"]).query)["code"][0]


def _redeem(fake, code: str, verifier: str) -> requests.Response:
    return requests.post(
        fake.url + urlsplit(XConnector.oauth.token_url).path,
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT,
            "code_verifier": verifier,
        },
        auth=(CLIENT_ID, CLIENT_SECRET),
    )


def test_the_oauth_flow_with_pkce_ends_in_a_connection(office, office_admin, fake):
    verifier = "v" * 50
    tokens = _redeem(fake, _authorize(fake, verifier), verifier).json()

    connection = XConnector.from_oauth(fake.url, tokens)
    account = accounts.store(office, "x", connection, api_base=fake.url, by=office_admin)

    assert XConnector.oauth.pkce and "media.write" in XConnector.oauth.scopes
    assert (account.remote_id, account.details) == ("1", {"username": "ba_mitte"})
    assert account.access_token == tokens["access_token"]
    assert account.refresh_token == tokens["refresh_token"]
    assert account.token_expires_at is not None


def test_the_token_endpoint_checks_the_code_verifier(fake):
    answer = _redeem(fake, _authorize(fake, "v" * 50), "w" * 50)

    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_request"


def test_an_unreachable_x_is_said_so_and_stores_nothing(
    office, office_admin, fake, english_messages
):
    fake.stop()

    with pytest.raises(TemporaryError, match=r"Rathaus could not reach 127\.0\.0\.1"):
        accounts.connect(
            office, "x", {"access_token": "access-token-1"}, api_base=fake.url, by=office_admin
        )

    assert not ConnectedAccount.objects.exists()
