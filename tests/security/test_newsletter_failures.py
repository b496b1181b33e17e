"""Line breaks in titles and mailings that fail (issue 10, item 15).

A title with a line break used to be accepted; the newsletter then failed on the subject
header (Django refuses a header with a newline), the mailing stayed "sending" and nobody
got it. Titles are single-line now, mail headers built from user text are made single-line
anyway, and a mailing that fails says so on the desk."""

import pytest
from django.core import mail
from django.urls import reverse

from rathaus.jobs import runner
from rathaus.newsletter import background, composing, mailings
from rathaus.newsletter.models import Mailing, NewsletterSettings, Send, Subscriber
from rathaus.offices.access import LifecycleError
from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.helpers import log_in

BREAKS = [
    "Baustelle\nHauptstraße",
    "Baustelle\rHauptstraße",
    "Baustelle\r\nBcc: x@example.org",
    "Baustelle\u2028Hauptstraße",
    "Baustelle\x0bHauptstraße",
    "Baustelle\x1b[31m",
    "A\tB",
]


def _form(**changes):
    return {
        "title": "Bürgersprechstunde",
        "body": "Der Bezirksbürgermeister lädt ein.",
        "category": "meeting",
        "language": "de",
        "tags": "",
    } | changes


@pytest.mark.parametrize("title", BREAKS)
def test_the_desk_form_refuses_a_title_with_a_line_break_and_keeps_the_text(
    client, office, editor, title
):
    log_in(client, editor)
    response = client.post(reverse("desk:post_new", args=[office.slug]), _form(title=title))
    assert response.status_code == 200
    assert Post.objects.count() == 0
    html = response.content.decode()
    assert 'id="id_title_error"' in html
    assert "Der Titel muss einzeilig sein" in html  # the desk speaks German by default
    assert "Der Bezirksbürgermeister lädt ein." in html


def test_editing_refuses_a_title_with_a_line_break(client, office, editor, draft):
    log_in(client, editor)
    url = reverse("desk:post_edit", args=[office.slug, draft.pk])
    response = client.post(url, _form(title="Neu\nZeile"))
    assert response.status_code == 200
    draft.refresh_from_db()
    assert "\n" not in draft.title


@pytest.mark.parametrize("title", BREAKS)
def test_the_lifecycle_refuses_a_title_with_a_line_break(office, editor, draft, title):
    with pytest.raises(LifecycleError):
        lifecycle.create_draft(office, by=editor, title=title, body="x", category="notice")
    with pytest.raises(LifecycleError):
        lifecycle.edit(draft, by=editor, title=title)
    draft.refresh_from_db()
    assert draft.title == Post.objects.get(pk=draft.pk).title and "\n" not in draft.title


def test_a_correction_refuses_a_title_with_a_line_break(published, approver):
    with pytest.raises(LifecycleError):
        lifecycle.correct(published, by=approver, note="Tippfehler", title="Neu\nZeile")


def _subscribers(office, count=3):
    for number in range(count):
        Subscriber.objects.create(
            office=office, email=f"leser{number}@example.org", status=Subscriber.Status.CONFIRMED
        )


def test_a_title_stored_with_a_line_break_before_still_reaches_everyone(
    office, editor, approver, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscribers(office)
    post = lifecycle.create_draft(office, by=editor, title="Baustelle", body="x", category="notice")
    # A title saved before titles were checked.
    Post.objects.filter(pk=post.pk).update(title="Baustelle\r\nBcc: boese@example.org")
    post.refresh_from_db()
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert message.subject == "Baustelle Bcc: boese@example.org"
        assert "boese@example.org" not in message.recipients()
    assert set(Send.objects.values_list("status", flat=True)) == {Send.Status.SENT}


def test_a_mailing_that_fails_says_so_on_the_desk_instead_of_hanging(
    client, office, approver, publish_post, english_messages, monkeypatch
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscribers(office)

    def broken(*args, **kwargs):
        raise ValueError("Header values may not contain linefeed or carriage return characters")

    monkeypatch.setattr(composing, "issue", broken)
    post = publish_post(title="Sperrmüll", body="Freitag.", category="service")
    mailing = Mailing.objects.get(post=post)
    statuses = list(Send.objects.values_list("status", flat=True))
    # Nothing left "sending" or waiting for a retry that would fail the same way.
    assert statuses and set(statuses) == {Send.Status.FAILED}
    assert "linefeed" in Mailing.objects.get(pk=mailing.pk).error
    assert "failed" in mailings.progress(mailing)

    log_in(client, approver)
    page = client.get(
        reverse("desk:post_detail", args=[office.slug, post.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert "sent to 0 of 3 subscribers" in html
    assert "The mailing stopped" in html and "linefeed" in html


def test_the_safety_net_does_not_hand_out_a_failed_mailing_again(office, publish_post, monkeypatch):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscribers(office)
    monkeypatch.setattr(composing, "issue", lambda *a, **k: (_ for _ in ()).throw(ValueError("x")))
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    from datetime import timedelta

    from django.utils import timezone

    woken = runner.tick(now=timezone.now() + timedelta(hours=1))
    assert background.SEND.name not in woken  # nothing of it is handed out again
    assert set(Send.objects.values_list("status", flat=True)) == {Send.Status.FAILED}
    assert mail.outbox == []
