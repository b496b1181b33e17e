"""Connecting a Mastodon account: the server address and an access token from the server's
Preferences → Development; the server checks the token and tells its own limits. A token
it refuses, or a server that cannot be reached, stores nothing."""

import pytest
from django.urls import reverse

from rathaus.connectors import accounts, family
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.channels import DeliveryError
from tests.fakes.mastodon import TOKEN, FakeMastodon
from tests.helpers import log_in

pytestmark = pytest.mark.usefixtures("loopback_platforms")


def test_it_connects_an_account_with_an_access_token(office, office_admin, fake):
    account = accounts.connect(
        office, "mastodon", {"access_token": f" {TOKEN} "}, api_base=f"{fake.url}/", by=office_admin
    )

    assert account.remote_id == fake.office.id
    assert account.name == "@bezirksamt@social.example"
    assert account.api_base == fake.url
    assert account.access_token == TOKEN
    assert account.status == "active"
    assert account.details["max_characters"] == 500
    assert account.details["characters_reserved_per_url"] == 23
    assert account.details["max_media"] == 4
    [check] = fake.calls("GET", r"^/api/v1/accounts/verify_credentials$")
    assert check.headers["authorization"] == f"Bearer {TOKEN}"
    assert fake.calls("GET", r"^/api/v2/instance/?$")


def test_it_takes_the_servers_own_limits(office, office_admin):
    with FakeMastodon(max_characters=11000, max_media=6) as server:
        account = accounts.connect(
            office, "mastodon", {"access_token": TOKEN}, api_base=server.url, by=office_admin
        )

    limits = family.connector_for(account).limits
    assert (limits.max_chars, limits.max_images, limits.link_chars) == (11000, 6, 23)


def test_a_wrong_token_is_refused_with_mastodons_words_and_nothing_is_stored(
    office, office_admin, fake
):
    with pytest.raises(DeliveryError, match="The access token is invalid"):
        accounts.connect(
            office, "mastodon", {"access_token": "wrong"}, api_base=fake.url, by=office_admin
        )

    assert not ConnectedAccount.objects.exists()


def test_a_server_that_cannot_be_reached_stores_nothing(
    office, office_admin, fake, english_messages
):
    address = fake.url
    fake.stop()

    with pytest.raises(DeliveryError, match=r"Rathaus could not reach .*Is the address right"):
        accounts.connect(
            office, "mastodon", {"access_token": TOKEN}, api_base=address, by=office_admin
        )

    assert not ConnectedAccount.objects.exists()


def test_an_address_that_is_no_mastodon_server_is_refused_clearly(office, office_admin, fake):
    page = "<html>" + "Willkommen im Bezirksamt " * 500 + "</html>"
    fake.fail_next(200, body=page, headers={"Content-Type": "text/html"})

    with pytest.raises(DeliveryError, match="unreadable") as refused:
        accounts.connect(
            office, "mastodon", {"access_token": TOKEN}, api_base=fake.url, by=office_admin
        )

    assert len(str(refused.value)) < 300
    assert not ConnectedAccount.objects.exists()


def test_a_token_that_names_a_file_is_sent_as_it_is_never_read(
    office, office_admin, fake, tmp_path
):
    # Mastodon.py reads a token from a file of that name: the file's secret must not leave.
    secret = tmp_path / "token"
    secret.write_text(f"{TOKEN}\n")

    with pytest.raises(DeliveryError):
        accounts.connect(
            office, "mastodon", {"access_token": str(secret)}, api_base=fake.url, by=office_admin
        )

    [check] = fake.calls("GET", r"^/api/v1/accounts/verify_credentials$")
    assert check.headers["authorization"] == f"Bearer {secret}"
    assert not ConnectedAccount.objects.exists()


def test_the_desk_form_shows_mastodons_refusal(
    client, office, office_admin, fake, django_capture_on_commit_callbacks
):
    log_in(client, office_admin)
    url = reverse("desk:account_connect", args=[office.slug, "mastodon"])

    with django_capture_on_commit_callbacks(execute=True):  # the worker asks Mastodon
        client.post(url, {"api_base": fake.url, "access_token": "wrong"})
    # The outcome is shown on the channels page the form sends the admin to.
    response = client.get(reverse("desk:channels", args=[office.slug]))

    assert response.status_code == 200
    assert "The access token is invalid" in response.content.decode()
    assert not ConnectedAccount.objects.exists()
