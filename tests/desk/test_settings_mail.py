"""Mailboxes and the newsletter on the desk's settings pages: the Django admin's checks
hold here too, secrets never reach a page or the log, push addresses are shown once."""

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.mail.models import Mailbox
from rathaus.newsletter.models import NewsletterSettings
from tests.helpers import log_in


@pytest.fixture
def admin_client(client, office_admin):
    return log_in(client, office_admin, language="en")


def _mailbox(**changes):
    data = {
        "address": "buergeranfragen@mitte.example",
        "active": "on",
        "imap_host": "",
        "imap_port": "",
        "imap_security": "ssl",
        "imap_username": "",
        "imap_password": "",
        "imap_folder": "INBOX",
    }
    return data | changes


def test_a_mailbox_is_added_and_its_push_address_shown_once(admin_client, office, office_admin):
    url = reverse("desk:settings_mailboxes", args=[office.slug])
    response = admin_client.post(url, _mailbox(), follow=True)
    mailbox = Mailbox.objects.get()
    assert mailbox.office == office
    html = response.content.decode()
    assert "Push address of buergeranfragen@mitte.example" in html
    token = html.split("/mail/eingang/")[1].split("/")[0]
    assert Mailbox.by_token(token).get() == mailbox
    assert "/mail/eingang/" not in admin_client.get(url).content.decode()  # only once
    assert AuditEntry.objects.get(action="mailbox_created").actor == office_admin


def test_the_password_is_never_shown_nor_logged_and_kept_when_left_empty(admin_client, office):
    mailbox = Mailbox.objects.create(
        office=office,
        address="post@mitte.example",
        imap_host="imap.mitte.example",
        imap_username="post",
        imap_password="streng-geheim-42",
    )
    url = reverse("desk:settings_mailbox_edit", args=[office.slug, mailbox.pk])
    assert "streng-geheim-42" not in admin_client.get(url).content.decode()
    data = _mailbox(
        address="post@mitte.example",
        imap_host="imap.mitte.example",
        imap_username="post2",
        imap_folder="Bürger",
    )
    assert admin_client.post(url, data).status_code == 303
    mailbox.refresh_from_db()
    assert (mailbox.imap_username, mailbox.imap_password) == ("post2", "streng-geheim-42")
    logged = AuditEntry.objects.get(action="mailbox_changed")
    assert "streng-geheim-42" not in str(logged.before) + str(logged.after)
    assert logged.after["imap_password"] == "***"


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        (
            {"imap_host": "127.0.0.1", "imap_username": "a", "imap_password": "b"},
            "Not a public address",
        ),
        (
            {"imap_host": "10.0.0.5", "imap_username": "a", "imap_password": "b"},
            "Not a public address",
        ),
        ({"imap_host": "imap.example.org"}, "needs a user name and a password"),
        (
            {
                "imap_host": "imap.example.org",
                "imap_username": "a",
                "imap_password": "b",
                "imap_security": "none",
            },
            "Without encryption",
        ),
        ({"imap_port": "70000"}, "id_imap_port_error"),
        ({"address": "keine-adresse"}, "id_address_error"),
        ({"address": "post@nord.example"}, "id_address_error"),  # another office's address
        ({"imap_security": "telnet"}, "id_imap_security_error"),
    ],
)
def test_bad_mailboxes_are_a_form_error(admin_client, office, other_office, changes, error):
    Mailbox.objects.create(office=other_office, address="post@nord.example")
    url = reverse("desk:settings_mailboxes", args=[office.slug])
    response = admin_client.post(url, _mailbox(**changes))
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Mailbox.objects.filter(office=office).exists()


def test_a_new_push_address_ends_the_old_one(admin_client, office):
    mailbox = Mailbox.objects.create(office=office, address="post@mitte.example")
    old = mailbox.token
    url = reverse("desk:settings_mailbox_push_token", args=[office.slug, mailbox.pk])
    assert admin_client.get(url).status_code == 302  # a GET changes nothing
    assert Mailbox.by_token(old).exists()
    html = admin_client.post(url, follow=True).content.decode()
    assert not Mailbox.by_token(old).exists()
    new = html.split("/mail/eingang/")[1].split("/")[0]
    assert Mailbox.by_token(new).get() == mailbox
    logged = AuditEntry.objects.get(action="mailbox_push_token")
    assert logged.after == {"token_hash": "***"}


def test_a_mailbox_is_deleted(admin_client, office):
    mailbox = Mailbox.objects.create(office=office, address="post@mitte.example")
    url = reverse("desk:settings_mailbox_delete", args=[office.slug, mailbox.pk])
    assert admin_client.post(url).status_code == 303
    assert not Mailbox.objects.exists()
    assert (
        AuditEntry.objects.get(action="mailbox_deleted").before["address"] == "post@mitte.example"
    )


def test_another_offices_mailbox_is_404(admin_client, office, other_office):
    theirs = Mailbox.objects.create(office=other_office, address="post@nord.example")
    hash_before = theirs.token_hash
    for name in ("settings_mailbox_edit", "settings_mailbox_push_token", "settings_mailbox_delete"):
        url = reverse(f"desk:{name}", args=[office.slug, theirs.pk])
        assert admin_client.post(url, _mailbox(address="x@mitte.example")).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.address, theirs.token_hash) == ("post@nord.example", hash_before)


# ----- newsletter ---------------------------------------------------------------------------


def test_the_newsletter_is_switched_on_and_its_bounce_address_shown_once(admin_client, office):
    url = reverse("desk:settings_newsletter", args=[office.slug])
    assert admin_client.get(url).status_code == 200
    version = office.content_version
    data = {
        "enabled": "on",
        "sender_name": "Presse Mitte",
        "sender_address": "presse@mitte.example",
    }
    html = admin_client.post(url, data, follow=True).content.decode()
    newsletter = NewsletterSettings.objects.get(office=office)
    assert newsletter.enabled and newsletter.sender_name == "Presse Mitte"
    token = html.split("/newsletter/bounces/")[1].split("/")[0]
    assert NewsletterSettings.by_bounce_token(token).get() == newsletter
    office.refresh_from_db()
    assert office.content_version > version  # the newsroom's footer links the subscription
    admin_client.post(url, {"sender_name": "Presse"})
    newsletter.refresh_from_db()
    assert (newsletter.enabled, newsletter.sender_name) == (False, "Presse")
    assert "/newsletter/bounces/" not in admin_client.get(url).content.decode()
    assert AuditEntry.objects.filter(action__startswith="newsletter_settings").count() == 2


def test_a_new_bounce_address_ends_the_old_one(admin_client, office):
    newsletter = NewsletterSettings.objects.create(office=office)
    old = newsletter.bounce_token
    url = reverse("desk:settings_newsletter_bounce_token", args=[office.slug])
    html = admin_client.post(url, follow=True).content.decode()
    assert not NewsletterSettings.by_bounce_token(old).exists()
    new = html.split("/newsletter/bounces/")[1].split("/")[0]
    assert NewsletterSettings.by_bounce_token(new).get() == newsletter


@pytest.mark.parametrize("field", ["sender_address", "reply_to", "bounce_address"])
def test_bad_addresses_are_a_form_error(admin_client, office, field):
    url = reverse("desk:settings_newsletter", args=[office.slug])
    response = admin_client.post(url, {"enabled": "on", field: "keine adresse"})
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in response.content.decode()
    assert not NewsletterSettings.objects.exists()
