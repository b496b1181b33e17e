"""An agent's answer to a mail goes out through a real SMTP server on loopback (aiosmtpd)
from the office's mailbox, with the threading headers a mail program needs; the
citizen's answer to it threads back. An unreachable server means a retry later, a refused
address a failure with the server's words."""

import socket
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from aiosmtpd.controller import Controller

from rathaus.delivery import sending
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Conversation
from rathaus.mail import outbound
from rathaus.mail.models import Mailbox
from rathaus.mail.receiving import ingest
from tests.loopback import free_port

pytestmark = pytest.mark.usefixtures("english_messages")


class Recorder:
    """An SMTP server's handler that keeps what it accepts and refuses some addresses."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refused: dict[str, str] = {}

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return self.refused[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.received.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_settings(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = free_port()
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    return settings


@pytest.fixture
def smtp(smtp_settings):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_settings.EMAIL_PORT)
    controller.start()
    yield recorder
    controller.stop()


def citizen_mail(message_id: str, *, subject="Baumfällung Lindenallee", **headers) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Anna Anwohnerin <anna@example.org>"
    msg["To"] = "buergeranfragen@mitte.example"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Wann wird gefällt?")
    return msg.as_bytes(policy=SMTP)


@pytest.fixture
def question(mailbox):
    return ingest(mailbox, citizen_mail("<frage-1@example.org>")).conversation


@pytest.fixture
def answer(django_capture_on_commit_callbacks, agent):
    """work.reply with the delivery's wake-up run as a real commit would."""

    def send(conversation, text="Am Montag ab 8 Uhr.\n\nMit freundlichen Grüßen"):
        with django_capture_on_commit_callbacks(execute=True):
            reply = work.reply(conversation, text, by=agent)
        reply.refresh_from_db()
        return reply

    return send


def test_the_answer_goes_out_with_threading_headers(smtp, question, answer, office):
    reply = answer(question)
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == Delivery.Status.PUBLISHED
    [sent] = smtp.received
    assert smtp.envelopes == [("buergeranfragen@mitte.example", ["anna@example.org"])]
    assert sent["From"].addresses[0].addr_spec == "buergeranfragen@mitte.example"
    assert sent["From"].addresses[0].display_name == office.name
    assert sent["To"] == "anna@example.org"
    assert sent["Subject"] == f"Re: Baumfällung Lindenallee [#{question.reference}]"
    assert sent["In-Reply-To"] == "<frage-1@example.org>"
    assert sent["References"] == "<frage-1@example.org>"
    assert sent["Message-ID"].endswith("@mitte.example>")
    # The stored answer carries the id, so the citizen's reply finds it.
    assert reply.remote_id == sent["Message-ID"].strip("<>")
    assert delivery.remote_id == reply.remote_id
    text = sent.get_body(preferencelist=("plain",)).get_content()
    assert "Am Montag ab 8 Uhr." in text
    assert question.reference in text
    html = sent.get_body(preferencelist=("html",)).get_content()
    assert "<p>Am Montag ab 8 Uhr.</p>" in html


def test_the_citizens_answer_to_our_mail_threads_back(smtp, mailbox, question, answer):
    reply = answer(question)
    [sent] = smtp.received
    back = ingest(
        mailbox,
        citizen_mail(
            "<frage-2@example.org>",
            subject=f"Re: Baumfällung Lindenallee [#{question.reference}]",
            In_Reply_To=sent["Message-ID"],
            References=f"{sent['References']} {sent['Message-ID']}",
        ),
    )
    assert back.conversation == question
    assert back.in_reply_to == reply.remote_id
    question.refresh_from_db()
    assert question.status == Conversation.Status.OPEN  # reopened from "answered"
    # A second answer continues the chain: every id so far, the citizen's newest last.
    answer(question, "Danke für den Hinweis.")
    second = smtp.received[1]
    assert second["In-Reply-To"] == "<frage-2@example.org>"
    assert second["References"] == (
        f"<frage-1@example.org> <{reply.remote_id}> <frage-2@example.org>"
    )
    assert second["Subject"] == f"Re: Baumfällung Lindenallee [#{question.reference}]"


def test_without_a_mailbox_the_installation_address_sends(smtp, question, answer, settings):
    Mailbox.objects.all().delete()
    settings.DEFAULT_FROM_EMAIL = "rathaus@stadt.example"
    answer(question)
    [sent] = smtp.received
    assert sent["From"] == "rathaus@stadt.example"
    assert sent["Message-ID"].endswith("@stadt.example>")


def test_an_unreachable_server_queues_the_answer_for_a_retry(
    smtp_settings, question, answer, settings
):
    reply = answer(question)  # nothing listens on the port
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1
    assert "could not be reached" in delivery.last_error
    planned_id = reply.remote_id
    # The server is back: the retry sends under the same Message-ID.
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=settings.EMAIL_PORT)
    controller.start()
    try:
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
        assert sending.send(delivery.pk) == Delivery.Status.PUBLISHED
    finally:
        controller.stop()
    [sent] = recorder.received
    assert sent["Message-ID"] == f"<{planned_id}>"


def test_a_server_that_never_answers_is_a_temporary_error(
    smtp_settings, question, answer, monkeypatch
):
    monkeypatch.setattr(outbound, "TIMEOUT", 0.5)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", smtp_settings.EMAIL_PORT))
        silent.listen()  # accepts connections, never greets
        reply = answer(question)
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == Delivery.Status.QUEUED
    assert "could not be reached" in delivery.last_error


def test_a_refused_address_fails_with_the_servers_words(smtp, question, answer):
    smtp.refused["anna@example.org"] = "550 5.1.1 <anna@example.org>: Recipient unknown"
    reply = answer(question)
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == Delivery.Status.FAILED
    assert "refused the address" in delivery.last_error
    assert "Recipient unknown" in delivery.last_error
    assert smtp.received == []


def test_a_greylisted_address_is_tried_again(smtp, question, answer):
    smtp.refused["anna@example.org"] = "450 4.7.1 Greylisted, try again later"
    reply = answer(question)
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == Delivery.Status.QUEUED
    assert "Greylisted" in delivery.last_error


def test_without_a_citizen_address_the_answer_fails_plainly(smtp, mailbox, answer):
    conversation = ingest(
        mailbox, b"From: kein at adresse\r\nSubject: x\r\n\r\nText\r\n"
    ).conversation
    reply = answer(conversation)
    delivery = Delivery.objects.get(message=reply)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "The citizen gave no email address: the answer cannot be mailed."
    assert smtp.received == []


def test_an_answer_is_sent_as_text_never_as_raw_html(smtp, question, answer):
    answer(question, "<script>alert(1)</script> & <b>fett</b>")
    [sent] = smtp.received
    html = sent.get_body(preferencelist=("html",)).get_content()
    assert "<script" not in html and "<b>" not in html
    assert "&lt;script&gt;" in html
    text = sent.get_body(preferencelist=("plain",)).get_content()
    assert "<script>alert(1)</script> & <b>fett</b>" in text


def test_the_email_channel_answers_but_publishes_no_posts(office):
    from rathaus.delivery import channels

    email = channels.get("email")
    assert isinstance(email, channels.Answers) and not isinstance(email, channels.Publishes)
    assert email not in channels.for_office(office)
    assert str(email.name) == "Email"
