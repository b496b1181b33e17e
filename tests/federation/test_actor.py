"""The actor document Mastodon fetches to show an office's account and verify its posts."""

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ValidationError

from rathaus.federation.models import Account

ACTIVITY = {"HTTP_ACCEPT": "application/activity+json, application/ld+json"}


pytestmark = pytest.mark.usefixtures("federation_domain")


@pytest.fixture
def account(office):
    return Account.objects.create(
        office=office,
        username="baumschutz",
        display_name="Baumschutz Mitte",
        summary="Fällungen & Pflanzungen\nim Bezirk",
    )


def test_the_actor_has_what_mastodon_reads(client, account):
    actor = client.get("/ap/baumschutz", **ACTIVITY).json()
    base = "https://rathaus.example/ap/baumschutz"
    assert actor["@context"][:2] == [
        "https://www.w3.org/ns/activitystreams",
        "https://w3id.org/security/v1",
    ]
    assert actor["@context"][2]["discoverable"] == "toot:discoverable"
    assert actor["id"] == base
    assert actor["type"] == "Organization"
    assert actor["preferredUsername"] == "baumschutz"
    assert actor["name"] == "Baumschutz Mitte"
    assert actor["summary"] == "<p>Fällungen &amp; Pflanzungen<br>im Bezirk</p>"
    assert actor["url"] == "https://presse.mitte.example/mitte/"
    assert actor["inbox"] == f"{base}/inbox"
    assert actor["outbox"] == f"{base}/outbox"
    assert actor["followers"] == f"{base}/followers"
    assert actor["following"] == f"{base}/following"
    assert actor["endpoints"] == {"sharedInbox": "https://rathaus.example/ap/inbox"}
    assert actor["publicKey"]["id"] == f"{base}#main-key"
    assert actor["publicKey"]["owner"] == base
    assert actor["discoverable"] is True
    assert actor["manuallyApprovesFollowers"] is False
    assert actor["published"].endswith("Z")
    assert "icon" not in actor  # the office has no logo


def test_imprint_and_privacy_are_profile_fields(client, account):
    fields = client.get("/ap/baumschutz", **ACTIVITY).json()["attachment"]
    assert [field["type"] for field in fields] == ["PropertyValue", "PropertyValue"]
    assert 'href="https://presse.mitte.example/mitte/impressum/"' in fields[0]["value"]
    assert 'href="https://presse.mitte.example/mitte/datenschutz/"' in fields[1]["value"]


def test_the_office_logo_is_the_icon(client, account, tiny_png):
    account.office.logo = tiny_png
    account.office.save()
    icon = client.get("/ap/baumschutz", **ACTIVITY).json()["icon"]
    assert icon["type"] == "Image"
    assert icon["mediaType"] == "image/png"
    # Uploads are private; the logo comes from the newsroom's own view.
    assert icon["url"] == "https://rathaus.example/mitte/logo"
    served = client.get("/mitte/logo")
    assert served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content).startswith(b"\x89PNG")


def test_the_public_key_is_an_rsa_2048_key_of_the_account(client, account):
    pem = client.get("/ap/baumschutz", **ACTIVITY).json()["publicKey"]["publicKeyPem"]
    key = serialization.load_pem_public_key(pem.encode())
    assert isinstance(key, rsa.RSAPublicKey)
    assert key.key_size == 2048
    private = serialization.load_pem_private_key(account.private_key_pem.encode(), None)
    assert private.public_key().public_numbers() == key.public_numbers()
    assert "PRIVATE" not in client.get("/ap/baumschutz", **ACTIVITY).content.decode()


def test_the_key_is_kept_when_the_account_is_saved_again(account):
    pem = account.public_key_pem
    account.display_name = "Baumschutz"
    account.save()
    account.refresh_from_db()
    assert account.public_key_pem == pem


def test_an_unknown_account_is_not_found(client, account):
    assert client.get("/ap/niemand", **ACTIVITY).status_code == 404


@pytest.mark.parametrize("username", ["Presse", "presse-stelle", "inbox", "a" * 31, "pressé"])
def test_usernames_follow_mastodons_rules(office, username):
    account = Account(office=office, username=username, display_name="X")
    with pytest.raises(ValidationError):
        account.full_clean()


def test_a_username_is_unique_across_offices(account, other_office):
    duplicate = Account(office=other_office, username="baumschutz", display_name="X")
    with pytest.raises(ValidationError):
        duplicate.full_clean()
