"""Double opt-in: subscribing sends one mail with a link; following the link only shows a
button (mail scanners follow links), pressing it confirms. Categories and the page's
language are kept with the subscription."""

import re

from django.core import mail

from rathaus.lib import spam
from rathaus.newsletter.models import NewsletterSettings, Subscriber


def _subscribe(client, email="anna@example.org", categories=("notice", "emergency"), **extra):
    return client.post(
        "/mitte/newsletter/",
        {"email": email, "categories": list(categories), "website": "", "nonce": spam.new_nonce()},
        **extra,
    )


def _link(message) -> str:
    return re.search(r"https://\S+/bestaetigen/\S+/", message.body).group(0)


def test_subscribing_sends_a_confirmation_link_and_nothing_is_confirmed_yet(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = _subscribe(client, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 303
    assert response["Location"] == "/mitte/newsletter/bitte-bestaetigen/"
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.categories == ",emergency,notice,"
    assert subscriber.language == "en"
    assert subscriber.confirmed_at is None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["anna@example.org"]
    assert "Bezirksamt Musterstadt-Mitte" in message.subject
    link = _link(message)
    assert link == f"https://presse.mitte.example/mitte/newsletter/bestaetigen/{subscriber.token}/"
    assert "Emergency warning" in message.body


def test_following_the_link_shows_a_button_and_only_the_button_confirms(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client)
    path = _link(mail.outbox[0]).removeprefix("https://presse.mitte.example")

    page = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "Confirm subscription" in page.text
    assert f'action="{path}"' in page.text
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING

    done = client.post(path, HTTP_ACCEPT_LANGUAGE="en")
    assert done.status_code == 200
    assert "Your subscription is confirmed" in done.text
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.CONFIRMED
    assert subscriber.confirmed_at is not None
    assert len(mail.outbox) == 1  # no welcome spam


def test_a_page_language_of_german_is_the_default(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client)
    assert Subscriber.objects.get().language == "de"


def test_an_unknown_link_confirms_nothing(client, office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    response = client.post("/mitte/newsletter/bestaetigen/not-a-token/")
    assert response.status_code == 404
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_a_link_of_another_office_does_not_work_here(
    client, office, other_office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client)
    token = Subscriber.objects.get().token
    assert client.post(f"/nord/newsletter/bestaetigen/{token}/").status_code == 404
    assert Subscriber.objects.get().status == Subscriber.Status.PENDING


def test_the_subscription_page_is_gone_while_the_newsletter_is_switched_off(client, office):
    assert client.get("/mitte/newsletter/").status_code == 404
    NewsletterSettings.objects.create(office=office, enabled=False)
    assert client.get("/mitte/newsletter/").status_code == 404
    assert _subscribe(client).status_code == 404
    assert Subscriber.objects.count() == 0
