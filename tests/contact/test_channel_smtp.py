"""Answers to contact-form conversations go out through a real SMTP conversation with a
local server (aiosmtpd on loopback): the answer text and the follow link by email, a
Message-ID as the answer's id; a refused address fails the delivery, a mail server that is
down means another try later."""

import email
import re
from email.policy import default as default_policy

import pytest

from rathaus.contact import submitting
from rathaus.contact.channel import ContactChannel
from rathaus.delivery import channels
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.lib import spam
from tests import loopback


class Recorder:
    """Accepts mail for everyone except addresses at refused.example."""

    def __init__(self):
        self.messages = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.endswith("@refused.example"):
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=default_policy))
        )
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    recorder = Recorder()
    settings.DEFAULT_FROM_EMAIL = "Bezirksamt Mitte <presse@mitte.example>"
    with loopback.smtp_server(recorder, settings):
        yield recorder


def _conversation(office, address):
    message, _new = submitting.ask(
        office,
        nonce_id=spam.nonce_id(spam.new_nonce()),
        text="Wann ist der Wertstoffhof offen?",
        name="Anna",
        email=address,
        link=lambda conversation: "https://example.invalid/",
    )
    return message.conversation


def _answer(conversation, by, capture, text="Dienstag bis Samstag, 9 bis 17 Uhr."):
    with capture(execute=True):
        answer = work.reply(conversation, text, by=by)
    return answer.deliveries.get(), answer


def test_the_channel_is_registered_as_a_reply_channel(office, english_messages):
    channel = channels.get("contact")
    assert isinstance(channel, ContactChannel)
    assert isinstance(channel, channels.Answers) and not isinstance(channel, channels.Publishes)
    assert str(channel.name) == "Contact form"
    assert channel not in channels.for_office(office)


def test_the_answer_goes_out_by_smtp_with_the_follow_link(
    client, smtp_server, office, office_admin, django_capture_on_commit_callbacks
):
    conversation = _conversation(office, "anna@example.org")
    (_to, confirmation), *rest = smtp_server.messages
    assert rest == []
    assert conversation.reference in confirmation.get_content()
    delivery, answer = _answer(conversation, office_admin, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.PUBLISHED, delivery.last_error
    _confirmation, (recipients, sent), *rest = smtp_server.messages
    assert rest == []
    assert recipients == ["anna@example.org"]
    assert sent["From"] == "Bezirksamt Mitte <presse@mitte.example>"
    assert conversation.reference in sent["Subject"]
    body = sent.get_content()
    assert "Dienstag bis Samstag, 9 bis 17 Uhr." in body
    assert "<p>" not in body
    message_id = sent["Message-ID"].strip("<>")
    # Random, so that nobody can name it in a reply (issue 10, item 4).
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}@mitte\.example", message_id)
    assert delivery.remote_id == message_id
    answer.refresh_from_db()
    assert answer.remote_id == message_id
    link = re.search(r"https://presse\.mitte\.example(/mitte/anfrage/\S+/)", body).group(1)
    page = client.get(link)
    assert "Dienstag bis Samstag" in page.text


def test_without_an_address_the_answer_waits_on_the_follow_page(
    smtp_server, office, office_admin, django_capture_on_commit_callbacks
):
    conversation = _conversation(office, "")
    delivery, answer = _answer(conversation, office_admin, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.PUBLISHED
    assert delivery.remote_id == f"contact:{answer.pk}"
    assert smtp_server.messages == []


def test_a_refused_address_fails_the_delivery(
    smtp_server, office, office_admin, django_capture_on_commit_callbacks, english_messages
):
    conversation = _conversation(office, "niemand@refused.example")
    delivery, _answer_message = _answer(
        conversation, office_admin, django_capture_on_commit_callbacks
    )
    assert delivery.status == Delivery.Status.FAILED
    assert "550" in delivery.last_error
    assert "refused" in delivery.last_error
    assert "niemand@refused.example" not in delivery.last_error
    assert smtp_server.messages == []


def test_a_mail_server_that_is_down_means_another_try_later(
    settings, office, office_admin, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        loopback.free_port(),
        2,
    )
    conversation = _conversation(office, "anna@example.org")
    delivery, _answer_message = _answer(
        conversation, office_admin, django_capture_on_commit_callbacks
    )
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1
    assert delivery.next_attempt_at > delivery.created_at
    assert delivery.last_error
