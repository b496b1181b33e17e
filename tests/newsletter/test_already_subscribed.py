"""Subscribing an address that already gets the newsletter reveals nothing and sends
nothing: the same answer as for a new address, no second mail, no change to the
subscription. A subscription still waiting gets its link again, at most once an hour."""

from datetime import timedelta

import time_machine
from django.core import mail
from django.utils import timezone

from rathaus.lib import spam
from rathaus.newsletter.models import NewsletterSettings, Subscriber


def _subscribe(client, email, categories=("notice",)):
    return client.post(
        "/mitte/newsletter/",
        {"email": email, "categories": list(categories), "nonce": spam.new_nonce()},
    )


def test_a_confirmed_address_gets_the_same_answer_and_no_mail(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    subscriber = Subscriber.objects.create(
        office=office,
        email="anna@example.org",
        categories=",meeting,",
        status=Subscriber.Status.CONFIRMED,
    )
    token = subscriber.token
    with django_capture_on_commit_callbacks(execute=True):
        new = _subscribe(client, "bert@example.org")
        known = _subscribe(client, "ANNA@example.org", categories=("emergency",))
    assert (known.status_code, known["Location"]) == (new.status_code, new["Location"])
    assert known.content == new.content
    assert [m.to for m in mail.outbox] == [["bert@example.org"]]
    subscriber.refresh_from_db()
    assert (subscriber.categories, subscriber.token) == (",meeting,", token)
    assert Subscriber.objects.filter(email__iexact="anna@example.org").count() == 1


def test_a_waiting_address_gets_its_link_again_at_most_once_an_hour(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, "anna@example.org")
        _subscribe(client, "anna@example.org")
    assert len(mail.outbox) == 1
    later = time_machine.travel(timezone.now() + timedelta(minutes=61))
    with later, django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, "anna@example.org", categories=("notice", "meeting"))
    assert len(mail.outbox) == 2
    subscriber = Subscriber.objects.get()
    assert all(subscriber.token in message.body for message in mail.outbox)  # the same link
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.categories == ",meeting,notice,"


def test_an_address_that_bounced_can_start_again_with_a_new_link(
    client, office, django_capture_on_commit_callbacks
):
    NewsletterSettings.objects.create(office=office, enabled=True)
    old = Subscriber.objects.create(
        office=office,
        email="anna@example.org",
        status=Subscriber.Status.BOUNCED,
        bounced_at=timezone.now(),
    )
    with django_capture_on_commit_callbacks(execute=True):
        _subscribe(client, "anna@example.org")
    subscriber = Subscriber.objects.get()
    assert subscriber.status == Subscriber.Status.PENDING
    assert subscriber.token != old.token
    assert subscriber.token in mail.outbox[0].body
