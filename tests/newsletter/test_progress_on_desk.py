"""The desk's delivery panel says how far a newsletter got: sent of all recipients, and
how many bounced."""

from django.urls import reverse

from rathaus.newsletter.models import NewsletterSettings, Send, Subscriber
from tests.helpers import log_in


def test_the_post_page_shows_how_far_the_newsletter_got(
    client, office, approver, publish_post, english_messages
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    for email in ("anna@example.org", "bert@example.org", "carla@example.org"):
        Subscriber.objects.create(office=office, email=email, status=Subscriber.Status.CONFIRMED)
    post = publish_post(title="Sperrmüll", body="Freitag.", category="service")
    Send.objects.filter(subscriber__email="bert@example.org").update(bounce=Send.Bounce.HARD)

    log_in(client, approver)
    page = client.get(
        reverse("desk:post_detail", args=[office.slug, post.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "sent to 3 of 3 subscribers · 1 bounced" in page.content.decode()
