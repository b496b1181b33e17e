"""The push address: an MTA posts the raw message with the mailbox's token; the answer
comes only once the message is stored, and only the token's office ever receives it."""

from email.message import EmailMessage
from email.policy import SMTP

from rathaus.inbox.models import Conversation, Message
from rathaus.mail.receiving import MAX_BYTES


def mail(*, subject="Laterne defekt", message_id="<q1@example.org>", to="x@example") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Anna Anwohnerin <anna@example.org>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg.set_content("Die Laterne vor Hausnummer 4 ist seit einer Woche aus.")
    return msg.as_bytes(policy=SMTP)


def push(client, token, raw):
    return client.post(f"/mail/eingang/{token}/", data=raw, content_type="message/rfc822")


def test_it_stores_the_message_and_answers_202_with_the_reference(client, mailbox, office):
    response = push(client, mailbox.token, mail())
    assert response.status_code == 202
    conversation = Conversation.objects.get()
    assert response.json() == {"reference": conversation.reference}
    assert conversation.office == office
    assert conversation.channel == "email"
    assert conversation.citizen_email == "anna@example.org"
    assert conversation.citizen_name == "Anna Anwohnerin"
    assert conversation.subject == "Laterne defekt"
    message = Message.objects.get()
    assert message.remote_id == "q1@example.org"
    assert "Hausnummer 4" in message.text_html
    assert not response.cookies


def test_an_unknown_token_is_404_and_stores_nothing(client, mailbox):
    assert push(client, mailbox.token + "x", mail()).status_code == 404
    assert push(client, "nichts", mail()).status_code == 404
    assert not Message.objects.exists()


def test_an_inactive_mailbox_takes_nothing(client, mailbox):
    mailbox.active = False
    mailbox.save()
    assert push(client, mailbox.token, mail()).status_code == 404
    assert not Message.objects.exists()


def test_only_post_is_accepted(client, mailbox):
    assert client.get(f"/mail/eingang/{mailbox.token}/").status_code == 405


def test_a_message_over_the_limit_is_413_and_stores_nothing(client, mailbox):
    raw = mail() + b"x" * (MAX_BYTES + 1 - len(mail()))
    response = push(client, mailbox.token, raw)
    assert response.status_code == 413
    assert not Message.objects.exists()


def test_a_message_just_at_the_limit_is_taken(client, mailbox):
    head = mail()
    raw = head + b"y" * (MAX_BYTES - len(head))
    assert push(client, mailbox.token, raw).status_code == 202
    assert Message.objects.count() == 1


def test_an_empty_body_is_400(client, mailbox):
    assert push(client, mailbox.token, b"  \r\n").status_code == 400


def test_the_same_message_pushed_twice_is_stored_once(client, mailbox):
    first = push(client, mailbox.token, mail())
    second = push(client, mailbox.token, mail())
    assert first.status_code == second.status_code == 202
    assert first.json() == second.json()
    assert Message.objects.count() == 1


def test_a_token_files_into_its_own_office_whatever_the_mail_says(
    client, mailbox, other_mailbox, office, other_office
):
    # Addressed to the other office's address, pushed with this office's token.
    push(client, mailbox.token, mail(to=other_mailbox.address))
    assert Conversation.objects.get().office == office
    push(client, other_mailbox.token, mail(message_id="<q2@example.org>", subject="Nord"))
    assert Conversation.objects.get(subject="Nord").office == other_office


def test_a_reply_to_another_offices_message_does_not_join_its_conversation(
    client, mailbox, other_mailbox, office, other_office
):
    push(client, other_mailbox.token, mail(message_id="<nord@example.org>"))
    nord = Conversation.objects.get()
    raw = mail(message_id="<mitte@example.org>").replace(
        b"Message-ID:", b"In-Reply-To: <nord@example.org>\r\nMessage-ID:"
    )
    push(client, mailbox.token, raw)
    mitte = Message.objects.get(remote_id="mitte@example.org").conversation
    assert mitte != nord
    assert mitte.office == office
    assert nord.messages.count() == 1


def test_a_known_message_id_does_not_leak_across_offices(client, mailbox, other_mailbox):
    push(client, other_mailbox.token, mail())
    push(client, mailbox.token, mail())  # the same mail to both offices: one copy each
    assert Message.objects.count() == 2
    assert {m.office_id for m in Message.objects.all()} == {
        mailbox.office_id,
        other_mailbox.office_id,
    }
