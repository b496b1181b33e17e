"""Unsubscribing from the link in every newsletter: following the link only shows the page
(mail scanners follow links), the button ends the subscription, and the address is deleted
at once: no list of former subscribers is kept."""

from rathaus.newsletter.models import NewsletterSettings, Subscriber


def test_following_the_link_shows_the_button_and_changes_nothing(client, subscriber):
    path = f"/mitte/newsletter/abmelden/{subscriber.token}/"
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "Unsubscribe now" in response.text
    assert f'action="{path}"' in response.text
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert Subscriber.objects.filter(pk=subscriber.pk).exists()


def test_the_button_deletes_the_address(client, subscriber):
    path = f"/mitte/newsletter/abmelden/{subscriber.token}/"
    response = client.post(path, {"unsubscribe": "1"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "You are unsubscribed" in response.text
    assert not Subscriber.objects.filter(email__iexact="anna@example.org").exists()
    again = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 404
    assert "This link does not work" in again.text


def test_a_subscription_still_waiting_can_be_ended_too(client, office, subscriber):
    Subscriber.objects.filter(pk=subscriber.pk).update(status=Subscriber.Status.PENDING)
    client.post(f"/mitte/newsletter/abmelden/{subscriber.token}/", {"unsubscribe": "1"})
    assert Subscriber.objects.count() == 0


def test_unsubscribing_works_after_the_newsletter_was_switched_off(client, office, subscriber):
    NewsletterSettings.objects.filter(office=office).update(enabled=False)
    client.post(f"/mitte/newsletter/abmelden/{subscriber.token}/", {"unsubscribe": "1"})
    assert Subscriber.objects.count() == 0
