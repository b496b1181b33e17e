"""The contact form's per-address rate limit covers the subscription form too (one budget
for all public forms): the sixth form within ten minutes is refused with 429, and no mail
goes out to the address it named."""

from django.core import mail

from rathaus.lib import spam
from rathaus.newsletter.models import NewsletterSettings, Subscriber

ADDRESS = "203.0.113.57"


def _subscribe(client, email, address=ADDRESS):
    return client.post(
        "/mitte/newsletter/",
        {"email": email, "categories": ["notice"], "nonce": spam.new_nonce()},
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_the_sixth_form_in_ten_minutes_is_refused(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        for number in range(5):
            assert _subscribe(client, f"leser{number}@example.org").status_code == 303
        response = _subscribe(client, "opfer@example.org")
    assert response.status_code == 429
    assert "Please wait ten minutes" in response.text
    assert 'value="opfer@example.org"' in response.text
    assert not Subscriber.objects.filter(email="opfer@example.org").exists()
    assert "opfer@example.org" not in [m.to[0] for m in mail.outbox]
    assert len(mail.outbox) == 5
    assert _subscribe(client, "opfer@example.org", address="198.51.100.9").status_code == 303


def test_another_web_worker_knows_the_count(client, office, settings):
    NewsletterSettings.objects.create(office=office, enabled=True)
    for number in range(5):
        assert _subscribe(client, f"leser{number}@example.org").status_code == 303
    settings.CACHES = {  # another web worker: a default cache of its own, the same shared one
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "2"},
    }
    assert _subscribe(client, "opfer@example.org").status_code == 429
    assert not Subscriber.objects.filter(email="opfer@example.org").exists()


def test_contact_messages_and_subscriptions_share_the_budget(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    for number in range(5):
        client.post(
            "/mitte/kontakt/",
            {"message": f"Frage {number}", "nonce": spam.new_nonce()},
            REMOTE_ADDR=ADDRESS,
        )
    assert _subscribe(client, "anna@example.org").status_code == 429


def test_the_form_says_in_plain_words_what_the_spam_counter_keeps(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    page = client.get("/mitte/newsletter/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "keyed hash" not in page
    assert "a code computed from your IP address and a secret key" in page
    assert "ten minutes at most" in page
