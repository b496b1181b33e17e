"""What a newsletter mail looks like: the post as text with an HTML alternative, a link to
the original, images as links with their alt text (nothing loaded, nothing tracked), the
unsubscribe headers of RFC 2369 and RFC 8058, a Message-ID of its own, bulk markers, and
the recipient's own bounce address as envelope sender."""

import re

import pytest
from django.core import mail

from rathaus.newsletter import addresses
from rathaus.newsletter.models import NewsletterSettings, Send, Subscriber
from rathaus.posts import lifecycle


@pytest.fixture
def newsletter(office):
    return NewsletterSettings.objects.create(
        office=office,
        enabled=True,
        sender_name="Pressestelle Mitte",
        sender_address="presse@mitte.example",
        reply_to="buergerservice@mitte.example",
        bounce_address="newsletter@mitte.example",
        footer="Bezirksamt Mitte · Rathausplatz 1",
    )


@pytest.fixture
def subscriber(office):
    return _subscriber(office, language="en")


@pytest.fixture
def with_image(
    newsletter, subscriber, office, editor, approver, tiny_png, django_capture_on_commit_callbacks
):
    post = lifecycle.create_draft(
        office,
        by=editor,
        title="Neue Linden für die Allee",
        body="Wir pflanzen **zwölf** Linden. Mehr unter [der Baumseite](https://baum.example/).",
        category="notice",
    )
    lifecycle.add_image(
        post,
        by=editor,
        file=tiny_png,
        alt_text="Junge Linde mit Pfahl",
        author="A. Gärtner",
        licence="CC BY 4.0",
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        return lifecycle.publish(post, by=approver)


def _subscriber(office, email="anna@example.org", language="de"):
    return Subscriber.objects.create(
        office=office, email=email, status=Subscriber.Status.CONFIRMED, language=language
    )


def test_the_mail_carries_the_post_as_text_and_html_without_anything_loaded(newsletter, with_image):
    post = with_image
    message = mail.outbox[0]
    assert message.subject == "Neue Linden für die Allee"
    assert "Wir pflanzen zwölf Linden." in message.body
    original = f"https://presse.mitte.example/mitte/meldungen/{post.pk}-neue-linden-fur-die-allee/"
    assert original in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "<strong>zwölf</strong>" in html
    assert f'href="{original}"' in html
    assert 'href="https://baum.example/"' in html  # links point where they say, no redirect
    image = post.images.get()
    image_url = f"https://presse.mitte.example/mitte/meldungen/{post.pk}/bilder/{image.key}.jpg"
    assert f'<a href="{image_url}">Junge Linde mit Pfahl</a>' in html
    assert "A. Gärtner, CC BY 4.0" in html
    assert image_url in message.body
    # No tracking pixel, no remote image, no script: nothing in the mail reports back.
    assert not re.search(r"<img|<script|<iframe|url\(|src=", html, re.IGNORECASE)
    assert "Bezirksamt Mitte · Rathausplatz 1" in message.body
    assert "Bezirksamt Mitte · Rathausplatz 1" in html


def test_the_headers_let_mail_programs_unsubscribe_in_one_click(newsletter, subscriber, with_image):
    message = mail.outbox[0]
    headers = message.message()
    send = Send.objects.get()
    bounce = addresses.verp(newsletter, send.pk)
    assert re.fullmatch(rf"newsletter\+{send.pk}-[0-9a-f]{{12}}@mitte\.example", bounce)
    manage = f"https://presse.mitte.example/mitte/newsletter/abmelden/{subscriber.token}/"
    unsubscribe = " ".join(headers["List-Unsubscribe"].split())
    assert unsubscribe == f"<{manage}>, <mailto:{bounce}?subject=unsubscribe>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert headers["Precedence"] == "bulk"
    assert headers["Auto-Submitted"] == "auto-generated"
    assert headers["From"] == "Pressestelle Mitte <presse@mitte.example>"
    assert headers["Reply-To"] == "buergerservice@mitte.example"
    assert headers["List-Id"] == "<mitte.newsletter.mitte.example>"
    assert message.from_email == bounce  # the envelope sender, the later Return-Path
    assert re.fullmatch(r"<[^<>@\s]+@mitte\.example>", headers["Message-ID"])
    assert manage in message.body


def test_every_mail_has_its_own_message_id_and_unsubscribe_link(office, newsletter, publish_post):
    _subscriber(office, "anna@example.org")
    _subscriber(office, "bert@example.org")
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    ids = {m.message()["Message-ID"] for m in mail.outbox}
    links = {m.message()["List-Unsubscribe"] for m in mail.outbox}
    assert len(ids) == len(links) == 2


def test_the_frame_is_in_the_subscribers_language(office, newsletter, publish_post):
    _subscriber(office, "anna@example.org", language="en")
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    message = mail.outbox[0]
    assert "Change your categories or unsubscribe:" in message.body
    assert 'lang="en"' in message.alternatives[0][0]


def test_the_newsletter_variant_is_sent_when_the_editor_wrote_one(
    office, newsletter, editor, approver, django_capture_on_commit_callbacks
):
    _subscriber(office)
    post = lifecycle.create_draft(
        office,
        by=editor,
        title="Wahl",
        body="Kurz.",
        category="notice",
        variants={"newsletter": "Ausführlich für *Abonnenten*."},
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)
    assert "<em>Abonnenten</em>" in mail.outbox[0].alternatives[0][0]
    assert "Kurz." not in mail.outbox[0].body


def test_without_a_bounce_address_the_sender_is_the_envelope_sender(office, publish_post):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscriber(office)
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    message = mail.outbox[0]
    headers = message.message()
    assert message.from_email == "rathaus@localhost"
    assert headers["From"] == "Bezirksamt Musterstadt-Mitte <rathaus@localhost>"
    assert "mailto:" not in headers["List-Unsubscribe"]
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
