"""Mailboxes in the Django admin: an office admin sees and creates only their offices'
mailboxes, and the IMAP password never appears on a page."""

import pytest

from rathaus.mail.models import Mailbox


@pytest.fixture
def admin_client(admin_site_as):
    return admin_site_as("mail")


@pytest.fixture
def mailboxes(office, other_office):
    return (
        Mailbox.objects.create(
            office=office,
            address="buergeranfragen@mitte.example",
            imap_host="imap.mitte.example",
            imap_username="buergeranfragen",
            imap_password="streng-geheim-42",
        ),
        Mailbox.objects.create(office=other_office, address="post@nord.example"),
    )


def form_data(office, **changes) -> dict:
    data = {
        "office": office.pk,
        "address": "neu@mitte.example",
        "active": "on",
        "imap_host": "",
        "imap_port": "",
        "imap_security": "ssl",
        "imap_username": "",
        "imap_password": "",
        "imap_folder": "INBOX",
    }
    return {**data, **changes}


def test_an_office_admin_sees_only_their_mailboxes(admin_client, mailboxes):
    page = admin_client.get("/admin/mail/mailbox/")
    assert page.status_code == 200
    assert b"buergeranfragen@mitte.example" in page.content
    assert b"post@nord.example" not in page.content
    other = admin_client.get(f"/admin/mail/mailbox/{mailboxes[1].pk}/change/")
    assert other.status_code == 302


def test_the_password_is_never_shown_and_kept_when_left_empty(admin_client, mailboxes, office):
    mine = mailboxes[0]
    page = admin_client.get(f"/admin/mail/mailbox/{mine.pk}/change/")
    assert page.status_code == 200
    assert b"streng-geheim-42" not in page.content
    # Only the token's hash is kept: the push address was shown once, when it was made.
    assert f"/mail/eingang/{mine.token}/".encode() not in page.content
    response = admin_client.post(
        f"/admin/mail/mailbox/{mine.pk}/change/",
        form_data(
            office,
            address=mine.address,
            imap_host="imap.mitte.example",
            imap_username="buergeranfragen",
            imap_folder="Bürgeranfragen",
        ),
    )
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.imap_password == "streng-geheim-42"
    assert mine.imap_folder == "Bürgeranfragen"


def test_mailboxes_are_created_only_for_their_offices(admin_client, office, other_office):
    form = admin_client.get("/admin/mail/mailbox/add/")
    assert f'value="{office.pk}"'.encode() in form.content
    assert f'value="{other_office.pk}"'.encode() not in form.content
    admin_client.post("/admin/mail/mailbox/add/", form_data(other_office, address="x@nord.example"))
    assert not Mailbox.objects.filter(address="x@nord.example").exists()
    admin_client.post("/admin/mail/mailbox/add/", form_data(office))
    created = Mailbox.objects.get(address="neu@mitte.example")
    assert created.office == office
    assert len(created.token_hash) == 64  # a SHA-256; the token itself is not stored


def test_an_imap_server_needs_credentials(admin_client, office):
    page = admin_client.post(
        "/admin/mail/mailbox/add/", form_data(office, imap_host="imap.mitte.example")
    )
    assert page.status_code == 200
    assert not Mailbox.objects.exists()


def test_a_new_push_token_ends_the_old_address(admin_client, mailboxes, client):
    mine, theirs = mailboxes
    old, theirs_old = mine.token, theirs.token_hash
    admin_client.post(
        "/admin/mail/mailbox/",
        {"action": "new_push_token", "_selected_action": [mine.pk, theirs.pk]},
    )
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert not Mailbox.by_token(old).exists()
    assert theirs.token_hash == theirs_old  # another office's mailbox is out of reach
    gone = client.post(f"/mail/eingang/{old}/", data=b"x", content_type="message/rfc822")
    assert gone.status_code == 404


def test_an_unencrypted_connection_is_only_allowed_to_this_machine(admin_client, office, settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]  # a local server the operator allowed
    credentials = {"imap_username": "u", "imap_password": "p", "imap_security": "none"}
    page = admin_client.post(
        "/admin/mail/mailbox/add/", form_data(office, imap_host="imap.mitte.example", **credentials)
    )
    assert page.status_code == 200
    assert not Mailbox.objects.exists()
    admin_client.post(
        "/admin/mail/mailbox/add/", form_data(office, imap_host="127.0.0.1", **credentials)
    )
    assert Mailbox.objects.get().imap_security == "none"
