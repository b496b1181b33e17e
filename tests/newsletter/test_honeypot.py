"""The contact form's honeypot guards the subscription form too: filled in, nothing is
stored and no mail goes out; the answer says why and keeps what was entered."""

from django.core import mail

from rathaus.lib import spam
from rathaus.newsletter.models import NewsletterSettings, Subscriber


def test_a_filled_honeypot_stores_nothing_and_sends_nothing(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/mitte/newsletter/",
            {
                "email": "opfer@example.org",
                "categories": ["notice"],
                "website": "https://spam.example",
                "nonce": spam.new_nonce(),
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "Leave this field empty" in response.text
    assert 'value="opfer@example.org"' in response.text
    assert 'value="https://spam.example"' not in response.text
    assert Subscriber.objects.count() == 0
    assert mail.outbox == []


def test_an_empty_honeypot_lets_the_subscription_through(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    response = client.post(
        "/mitte/newsletter/",
        {
            "email": "anna@example.org",
            "categories": ["notice"],
            "website": "",
            "nonce": spam.new_nonce(),
        },
    )
    assert response.status_code == 303
    assert Subscriber.objects.count() == 1
