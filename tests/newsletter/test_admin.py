"""The newsletter in the Django admin, scoped like every per-office table: an office admin
switches on and configures only their offices' newsletters, sees only their subscribers,
and can add no subscriber by hand (only a confirmation makes one)."""

import re

import pytest

from rathaus.newsletter.models import NewsletterSettings, Subscriber


@pytest.fixture
def admin_client(admin_site_as):
    return admin_site_as("newsletter")


def test_an_office_admin_switches_on_the_newsletter_only_for_their_offices(
    admin_client, office, other_office
):
    form = admin_client.get("/admin/newsletter/newslettersettings/add/")
    assert form.status_code == 200
    assert f'value="{office.pk}"'.encode() in form.content
    assert f'value="{other_office.pk}"'.encode() not in form.content
    fields = {"enabled": "on", "sender_address": "presse@mitte.example", "footer": "Impressum"}
    admin_client.post(
        "/admin/newsletter/newslettersettings/add/", {"office": other_office.pk, **fields}
    )
    assert not NewsletterSettings.objects.filter(office=other_office).exists()
    added = admin_client.post(
        "/admin/newsletter/newslettersettings/add/", {"office": office.pk, **fields}, follow=True
    )
    created = NewsletterSettings.objects.get(office=office)
    assert created.enabled and created.sender_address == "presse@mitte.example"
    # The bounce push address is shown once, right after saving (only its hash is kept).
    shown = re.search(r"/newsletter/bounces/([^/]+)/", added.text).group(1)
    assert NewsletterSettings.by_bounce_token(shown).get() == created


def test_an_office_admin_sees_only_their_subscribers_and_adds_none(
    admin_client, office, other_office
):
    Subscriber.objects.create(office=office, email="anna@example.org")
    theirs = Subscriber.objects.create(office=other_office, email="nora@example.org")
    page = admin_client.get("/admin/newsletter/subscriber/")
    assert page.status_code == 200
    assert b"anna@example.org" in page.content
    assert b"nora@example.org" not in page.content
    assert admin_client.get(f"/admin/newsletter/subscriber/{theirs.pk}/change/").status_code == 302
    assert admin_client.get("/admin/newsletter/subscriber/add/").status_code == 403


def test_a_new_bounce_token_replaces_the_old_one(admin_client, office):
    settings = NewsletterSettings.objects.create(office=office, enabled=True)
    old = settings.bounce_token_hash
    admin_client.post(
        "/admin/newsletter/newslettersettings/",
        {"action": "new_bounce_token", "_selected_action": [settings.pk]},
    )
    settings.refresh_from_db()
    assert settings.bounce_token_hash != old
