"""Through a real SMTP conversation (aiosmtpd on loopback): the envelope sender is the
recipient's own bounce address; a recipient refused for good (5xx) counts as a hard bounce;
one put off (4xx), or a mail server that is down, keeps the row queued and the batch is
tried again later, sending only what was not sent."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from huey.contrib.djhuey import HUEY

from rathaus.delivery.models import Delivery
from rathaus.jobs import runner
from rathaus.newsletter import addresses
from rathaus.newsletter.background import MAX_ATTEMPTS, RETRY_SECONDS, SEND
from rathaus.newsletter.models import Mailing, Send, Subscriber
from tests import loopback


class Recorder:
    """Refuses addresses at refused.example for good, puts off those at later.example."""

    def __init__(self):
        self.envelopes = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox here"
        if address.endswith("@later.example"):
            return "451 4.7.1 Greylisted, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    with loopback.smtp_server(recorder, settings):
        yield recorder


@pytest.fixture(autouse=True)
def _no_scheduled_tasks():
    HUEY.flush()
    yield
    HUEY.flush()


def _subscribers(office, *emails):
    for email in emails:
        Subscriber.objects.create(office=office, email=email, status=Subscriber.Status.CONFIRMED)


def _status(email):
    return Send.objects.get(subscriber__email=email).status


def test_the_envelope_sender_is_the_recipients_bounce_address(
    office, newsletter, smtp_server, publish_post
):
    _subscribers(office, "anna@example.org")
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    send = Send.objects.get()
    assert smtp_server.envelopes == [(addresses.verp(newsletter, send.pk), ["anna@example.org"])]


def test_a_refused_recipient_is_a_hard_bounce_and_the_rest_goes_out(
    office, newsletter, smtp_server, publish_post
):
    _subscribers(office, "weg@refused.example", "anna@example.org")
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    assert [rcpt for _sender, rcpt in smtp_server.envelopes] == [["anna@example.org"]]
    refused = Send.objects.get(subscriber__email="weg@refused.example")
    assert (refused.status, refused.bounce) == (Send.Status.FAILED, Send.Bounce.HARD)
    assert refused.last_error == "550 5.1.1 No such mailbox here"
    assert Subscriber.objects.get(email="weg@refused.example").status == Subscriber.Status.BOUNCED
    assert _status("anna@example.org") == Send.Status.SENT


def test_a_put_off_recipient_stays_queued_and_the_batch_is_tried_again(
    office, newsletter, smtp_server, publish_post
):
    _subscribers(office, "bert@later.example", "anna@example.org")
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    assert _status("bert@later.example") == Send.Status.QUEUED
    assert _status("anna@example.org") == Send.Status.SENT
    mailing = Mailing.objects.get()
    put_off = Send.objects.get(subscriber__email="bert@later.example")
    assert put_off.next_attempt_at >= timezone.now() + timedelta(seconds=RETRY_SECONDS - 5)
    assert (put_off.mailing, put_off.batch) == (mailing, 0)
    (retry,) = HUEY.scheduled()
    assert retry.args == (SEND.name, [put_off.pk])
    Subscriber.objects.filter(email="bert@later.example").update(email="bert@example.org")
    with time_machine.travel(timezone.now() + timedelta(seconds=RETRY_SECONDS + 1)):
        HUEY.execute(retry)
    assert [rcpt for _sender, rcpt in smtp_server.envelopes] == [
        ["anna@example.org"],
        ["bert@example.org"],
    ]


def test_a_put_off_recipient_is_tried_again_by_the_tick_when_the_wake_up_is_lost(
    office, newsletter, smtp_server, publish_post
):
    """The retry lives in the row (its next attempt time), not in Huey's schedule."""
    _subscribers(office, "bert@later.example")
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    HUEY.flush()  # the scheduled wake-up is lost
    Subscriber.objects.filter(email="bert@later.example").update(email="bert@example.org")
    with time_machine.travel(timezone.now() + timedelta(seconds=60)):
        assert SEND.name not in runner.tick()  # not before its time
    with time_machine.travel(timezone.now() + timedelta(seconds=RETRY_SECONDS + 1)):
        assert SEND.name in runner.tick()
    assert [rcpt for _sender, rcpt in smtp_server.envelopes] == [["bert@example.org"]]
    assert _status("bert@example.org") == Send.Status.SENT


def test_a_recipient_put_off_every_time_fails_after_the_last_attempt(
    office, newsletter, smtp_server, publish_post
):
    _subscribers(office, "bert@later.example")
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    later = timezone.now()
    for _attempt in range(MAX_ATTEMPTS - 1):
        assert _status("bert@later.example") == Send.Status.QUEUED
        later += timedelta(seconds=RETRY_SECONDS + 1)
        with time_machine.travel(later):
            runner.tick()
    put_off = Send.objects.get()
    assert (put_off.status, put_off.attempts) == (Send.Status.FAILED, MAX_ATTEMPTS)
    assert put_off.last_error.startswith("451 4.7.1")
    assert smtp_server.envelopes == []


def test_a_mail_server_that_is_down_loses_nothing(office, newsletter, settings, publish_post):
    _subscribers(office, "anna@example.org")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", loopback.free_port()  # nobody listens
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    post = publish_post(title="Sperrmüll", body="Freitag.", category="service")
    delivery = Delivery.objects.get(post=post, channel="newsletter")
    assert delivery.status == Delivery.Status.PUBLISHED  # the mailing is queued
    assert _status("anna@example.org") == Send.Status.QUEUED
    assert len(HUEY.scheduled()) == 1
