"""A web address pasted into a post is a link wherever the post is read: its newsroom page,
the feeds, the desk's preview and the newsletter (lib.richtext, tested in tests/lib)."""

from __future__ import annotations

import feedparser
from django.core import mail
from django.urls import reverse

from rathaus.newsletter.models import NewsletterSettings, Subscriber
from tests.helpers import log_in

ADDRESS = "https://bauamt.example/planung/2026/lindenallee-ersatzpflanzung"
BODY = f"Alle Unterlagen: {ADDRESS}. Fragen gern per Mail."
LINK = f'<a href="{ADDRESS}" rel="noopener noreferrer nofollow">{ADDRESS}</a>'


def test_the_post_page_and_the_feeds_link_it(client, office, publish_post):
    post = publish_post(title="Ersatzpflanzung", body=BODY, category="notice")
    assert LINK in client.get(post.get_absolute_url()).text
    for name in ("rss", "atom"):
        feed = feedparser.parse(client.get(reverse(f"newsroom:{name}", args=[office.slug])).content)
        assert f'href="{ADDRESS}"' in feed.entries[0].summary


def test_the_desk_preview_links_it(client, office, editor):
    log_in(client, editor)
    response = client.post(
        reverse("desk:preview", args=[office.slug]), {"title": "T", "body": BODY}
    )
    assert LINK in response.content.decode()


def test_the_newsletter_links_it(office, publish_post):
    NewsletterSettings.objects.create(
        office=office,
        enabled=True,
        sender_name="Pressestelle Mitte",
        sender_address="presse@mitte.example",
        bounce_address="newsletter@mitte.example",
    )
    Subscriber.objects.create(
        office=office, email="anna@example.org", status=Subscriber.Status.CONFIRMED
    )
    publish_post(title="Ersatzpflanzung", body=BODY, category="notice")
    html, _ = mail.outbox[0].alternatives[0]
    assert LINK in html
    assert "overflow-wrap:break-word" in html  # a long address wraps on a phone
    assert f"{ADDRESS}." in mail.outbox[0].body  # the text part keeps the sentence
