"""Mail joins the conversation it answers: by In-Reply-To, else by the newest id in
References we hold, else by the reference number in the subject; only ever within the
mailbox's own office."""

from email.message import EmailMessage
from email.policy import SMTP

import pytest

from rathaus.delivery.models import Delivery
from rathaus.inbox import inbound as inbox_inbound
from rathaus.inbox.models import Conversation, Message
from rathaus.mail.receiving import ingest

ANNA = "Anna Anwohnerin <anna@example.org>"


def mail(message_id, *, subject="Frage", sender=ANNA, body="Wann?", **headers) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = subject
    if message_id:
        msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes(policy=SMTP)


@pytest.fixture
def question(mailbox):
    return ingest(mailbox, mail("<q1@example.org>")).conversation


def test_in_reply_to_joins_the_conversation(mailbox, question):
    answer = ingest(mailbox, mail("<q2@example.org>", In_Reply_To="<q1@example.org>"))
    assert answer.conversation == question
    assert answer.in_reply_to == "q1@example.org"
    assert Conversation.objects.count() == 1


def test_references_are_tried_from_the_newest_we_hold(mailbox, question):
    second = ingest(mailbox, mail("<q2@example.org>", In_Reply_To="<q1@example.org>"))
    # In-Reply-To names a mail we never got (sent to someone else in copy); References
    # ends with another unknown one before the one we hold.
    third = ingest(
        mailbox,
        mail(
            "<q4@example.org>",
            In_Reply_To="<elsewhere@example.org>",
            References="<q1@example.org> <q2@example.org> <elsewhere@example.org>",
        ),
    )
    assert third.conversation == question
    assert third.in_reply_to == second.remote_id


def test_unknown_ids_start_a_new_conversation(mailbox, question):
    other = ingest(
        mailbox,
        mail("<x@example.org>", In_Reply_To="<nie@example.org>", References="<nie@example.org>"),
    )
    assert other.conversation != question


def test_the_reference_number_in_the_subject_is_the_fallback(mailbox, question):
    later = ingest(mailbox, mail("<q9@example.org>", subject=f"Nachtrag [#{question.reference}]"))
    assert later.conversation == question


def test_the_reference_number_is_found_in_any_case(mailbox, question):
    subject = f"AW: Re: Frage [#{question.reference.lower()}]"
    assert ingest(mailbox, mail("<q9@example.org>", subject=subject)).conversation == question


def test_a_reference_from_another_address_opens_a_new_conversation(
    mailbox, question, english_messages
):
    stranger = ingest(
        mailbox,
        mail(
            "<s1@example.org>",
            sender="Someone <someone@example.net>",
            subject=f"Re: Frage [#{question.reference}]",
        ),
    )
    assert stranger.conversation != question
    assert f"Mentions conversation {question.reference}" in stranger.text_html
    assert question.messages.count() == 1


def test_a_reference_of_another_office_is_not_followed(mailbox, other_mailbox):
    nord = ingest(other_mailbox, mail("<n1@example.org>")).conversation
    mitte = ingest(mailbox, mail("<m1@example.org>", subject=f"Re: [#{nord.reference}]"))
    assert mitte.conversation != nord
    assert mitte.conversation.office == mailbox.office
    assert nord.messages.count() == 1


def test_an_anonymised_conversation_is_not_continued(mailbox, question):
    from django.utils import timezone

    Conversation.objects.filter(pk=question.pk).update(anonymised_at=timezone.now())
    later = ingest(mailbox, mail("<q2@example.org>", In_Reply_To="<q1@example.org>"))
    assert later.conversation != question


def test_a_reply_to_our_answer_threads_into_the_conversation(mailbox, question, agent):
    ours = Message.objects.create(
        conversation=question,
        office=question.office,
        channel="email",
        remote_id="antwort-1@mitte.example",
        direction=Message.Direction.OUTBOUND,
        text_html="<p>Am Montag.</p>",
    )
    back = ingest(
        mailbox, mail("<q3@example.org>", subject="Re: Frage", In_Reply_To=f"<{ours.remote_id}>")
    )
    assert back.conversation == question
    question.refresh_from_db()
    assert question.status == Conversation.Status.NEW  # a new one stays new


@pytest.mark.parametrize(
    "stored_id", ["formular-antwort@mitte.example", "<formular-antwort@mitte.example>"]
)
def test_an_email_reply_to_a_contact_form_conversation_joins_it(mailbox, office, stored_id):
    """A conversation that began elsewhere, answered by mail: the citizen's mail reply
    joins it and keeps its channel, so the answer goes the same way."""
    contact, _new = inbox_inbound.receive(
        inbox_inbound.InboundMessage(
            office=office,
            channel="contact",
            remote_id="contact:1",
            text_html="<p>Frage vom Formular</p>",
            author_email="anna@example.org",
        )
    )
    Message.objects.create(
        conversation=contact.conversation,
        office=office,
        channel="contact",
        remote_id=stored_id,  # the contact channel keeps the brackets
        direction=Message.Direction.OUTBOUND,
        text_html="<p>Antwort</p>",
    )
    back = ingest(mailbox, mail("<r1@example.org>", In_Reply_To="<formular-antwort@mitte.example>"))
    assert back.conversation == contact.conversation
    assert back.channel == "contact"
    assert ingest(mailbox, mail("<r1@example.org>")) == back  # still recognised


def test_auto_replies_are_stored_flagged_and_never_answered(
    mailbox, question, english_messages, mailoutbox
):
    away = ingest(
        mailbox,
        mail(
            "<ooo@example.org>",
            subject="Abwesenheit",
            Auto_Submitted="auto-replied",
            In_Reply_To="<q1@example.org>",
        ),
    )
    assert away.conversation == question
    assert "never answered automatically" in away.text_html
    assert not Delivery.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Precedence": "bulk"},
        {"sender": "MAILER-DAEMON@mx.example.org"},
        {"Auto_Submitted": "auto-generated"},
        {"Return_Path": "<>"},
    ],
)
def test_automatic_mail_is_recognised(mailbox, headers, english_messages):
    sender = headers.pop("sender", ANNA)
    stored = ingest(mailbox, mail("<auto@example.org>", sender=sender, **headers))
    assert "Automatic reply or delivery report" in stored.text_html


def test_a_mail_marked_as_no_auto_submission_is_not_flagged(mailbox, english_messages):
    stored = ingest(mailbox, mail("<human@example.org>", Auto_Submitted="no"))
    assert "Automatic reply" not in stored.text_html


def test_a_bounce_of_our_answer_joins_the_conversation(mailbox, question, english_messages):
    Message.objects.create(
        conversation=question,
        office=question.office,
        channel="email",
        remote_id="antwort-2@mitte.example",
        direction=Message.Direction.OUTBOUND,
        text_html="<p>Antwort</p>",
    )
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@mx.example.org>"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce-1@mx.example.org>"
    report.set_content("This is the mail system. The address anna@example.org is unknown.")
    original = EmailMessage()
    original["Message-ID"] = "<antwort-2@mitte.example>"
    original["Subject"] = "Re: Frage"
    original.set_content("Antwort")
    report.add_attachment(original)
    stored = ingest(mailbox, report.as_bytes(policy=SMTP))
    assert stored.conversation == question
    assert "Automatic reply or delivery report" in stored.text_html
    assert "is unknown" in stored.text_html


def test_an_automatic_reply_gets_no_response_time_target(office):
    from rathaus.inbox import inbound
    from rathaus.inbox.models import Conversation
    from rathaus.response_times.models import ResponseTarget

    ResponseTarget.objects.create(office=office, category="", first_response_hours=8)
    for number, automatic in ((1, False), (2, True)):
        inbound.receive(
            inbound.InboundMessage(
                office=office,
                channel="email",
                remote_id=f"m{number}@example.org",
                text_html="Ich bin im Urlaub.",
                automatic=automatic,
            )
        )
    person, machine = Conversation.objects.order_by("pk")
    assert person.first_response_due is not None
    assert machine.first_response_due is None
    assert machine.priority == Conversation.Priority.LOW
