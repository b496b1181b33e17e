"""Issue 10, item 4: nobody writes into another citizen's conversation by replying to a
message of it. Threading by headers (mail's In-Reply-To/References, the Fediverse's
inReplyTo, a platform's parent comment) joins a conversation only when the sender is the
conversation's citizen; anyone else starts a conversation of their own. And the
Message-IDs of our mails are random, so nobody can name one they did not receive.
"""

import re
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from rathaus.contact import follow, submitting
from rathaus.inbox import inbound, ingest, work
from rathaus.inbox.models import Conversation, Message
from rathaus.lib import spam
from tests.helpers import CITIZEN

ANNA = "anna@example.org"
MALLORY = "Mallory <mallory@evil.example>"
# What a random id looks like: secrets.token_urlsafe(16), 22 characters of base64url.
RANDOM_LOCAL_PART = re.compile(r"^[A-Za-z0-9_-]{22,}$")


def mail(message_id, *, sender, body="Bitte überweisen Sie an IBAN DE00 1234.", **headers):
    msg = EmailMessage()
    msg["From"] = sender
    msg["Subject"] = "Re: Ihre Nachricht"
    msg["Message-ID"] = message_id
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body)
    return msg.as_bytes(policy=SMTP)


def push(client, mailbox, raw):
    return client.post(f"/mail/eingang/{mailbox.token}/", data=raw, content_type="message/rfc822")


@pytest.fixture
def victim(office, mailbox):
    """Anna asked through the contact form and gave her address."""
    message, _new = submitting.ask(
        office,
        nonce_id=spam.nonce_id(spam.new_nonce()),
        text="Wann wird der Gehweg geräumt?",
        name="Anna",
        email=ANNA,
    )
    return message.conversation


def _answer(conversation, by, capture, text="Der Winterdienst ist unterwegs."):
    with capture(execute=True):
        answer = work.reply(conversation, text, by=by)
    answer.refresh_from_db()
    return answer


def _sent_id(mailoutbox) -> str:
    return mailoutbox[-1].extra_headers["Message-ID"].strip("<>")


def test_a_reply_header_from_another_sender_does_not_enter_the_conversation(
    client, victim, mailbox, office_admin, django_capture_on_commit_callbacks, mailoutbox
):
    _answer(victim, office_admin, django_capture_on_commit_callbacks)
    ours = _sent_id(mailoutbox)
    raw = mail("<attack-1@evil.example>", sender=MALLORY, In_Reply_To=f"<{ours}>")
    response = push(client, mailbox, raw)
    assert response.status_code == 202
    attack = Message.objects.get(remote_id="attack-1@evil.example")
    assert attack.conversation != victim
    assert attack.conversation.citizen_email == "mallory@evil.example"
    assert attack.conversation.channel == "email"
    assert not victim.messages.filter(text_html__contains="IBAN").exists()
    page = client.get(follow.path(victim))
    assert page.status_code == 200
    assert "IBAN" not in page.text


def test_references_and_the_citizens_own_message_id_do_not_let_a_stranger_in(
    client, mailbox, office
):
    push(client, mailbox, mail("<q1@example.org>", sender=f"Anna <{ANNA}>", body="Frage"))
    question = Conversation.objects.get()
    raw = mail("<attack-2@evil.example>", sender=MALLORY, References="<q1@example.org>")
    push(client, mailbox, raw)
    assert Conversation.objects.count() == 2
    assert question.messages.count() == 1


def test_a_forged_delivery_report_quoting_the_citizens_own_mail_starts_anew(
    client, mailbox, office
):
    """Delivery reports may join from a mail server's address, but only by quoting one of
    our own (random) Message-IDs; the citizen's own ids may be known to others."""
    push(client, mailbox, mail("<q1@example.org>", sender=f"Anna <{ANNA}>", body="Frage"))
    question = Conversation.objects.get()
    report = EmailMessage()
    report["From"] = "Mail Delivery System <MAILER-DAEMON@evil.example>"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report["Message-ID"] = "<bounce-1@evil.example>"
    report["Auto-Submitted"] = "auto-replied"
    report.set_content("Bitte überweisen Sie an IBAN DE00 1234.")
    original = EmailMessage()
    original["Message-ID"] = "<q1@example.org>"
    original.set_content("Frage")
    report.add_attachment(original)
    assert push(client, mailbox, report.as_bytes(policy=SMTP)).status_code == 202
    assert Conversation.objects.count() == 2
    assert not question.messages.filter(text_html__contains="IBAN").exists()


def test_the_citizens_reply_still_threads_whatever_the_case_and_display_name(
    client, victim, mailbox, office_admin, django_capture_on_commit_callbacks, mailoutbox
):
    _answer(victim, office_admin, django_capture_on_commit_callbacks)
    ours = _sent_id(mailoutbox)
    raw = mail(
        "<thanks@example.org>",
        sender='"Anna A. (privat)" <Anna@EXAMPLE.org>',
        body="Danke!",
        In_Reply_To=f"<{ours}>",
    )
    assert push(client, mailbox, raw).status_code == 202
    thanks = Message.objects.get(remote_id="thanks@example.org")
    assert thanks.conversation == victim
    assert Conversation.objects.count() == 1
    assert "Danke!" in client.get(follow.path(victim)).text


def test_our_message_ids_are_random(
    victim, office, office_admin, django_capture_on_commit_callbacks, mailoutbox
):
    first = _answer(victim, office_admin, django_capture_on_commit_callbacks)
    second = _answer(victim, office_admin, django_capture_on_commit_callbacks, text="Nachtrag")
    ids = [m.extra_headers["Message-ID"].strip("<>") for m in mailoutbox[-2:]]
    assert ids[0] != ids[1]
    assert {first.remote_id, second.remote_id} == set(ids)  # the next reply finds them
    for message_id, answer in zip(ids, (first, second), strict=True):
        local, _at, domain = message_id.partition("@")
        assert domain == "mitte.example"
        assert RANDOM_LOCAL_PART.match(local), message_id
        parts = re.split(r"[.+_-]", local)
        assert not {str(answer.pk), str(victim.pk), str(office.pk)} & set(parts), message_id


def test_message_ids_of_answers_to_mail_are_random(
    client, mailbox, office_admin, django_capture_on_commit_callbacks, mailoutbox
):
    push(client, mailbox, mail("<q1@example.org>", sender=f"Anna <{ANNA}>", body="Frage"))
    conversation = Conversation.objects.get()
    answers = [
        _answer(conversation, office_admin, django_capture_on_commit_callbacks, text=text)
        for text in ("Erste Antwort", "Zweite Antwort")
    ]
    ids = [a.remote_id for a in answers]
    assert ids[0] != ids[1]
    assert [m.extra_headers["Message-ID"].strip("<>") for m in mailoutbox[-2:]] == ids
    for message_id in ids:
        assert RANDOM_LOCAL_PART.match(message_id.partition("@")[0]), message_id


# --- the same rule on the other channels: the inbox's one door ---------------------------


def _inbound(office, number, *, handle, in_reply_to="", channel="mastodon:1", **extra):
    return inbound.InboundMessage(
        office=office,
        channel=channel,
        remote_id=str(number),
        text_html=f"<p>Nachricht {number}</p>",
        author_handle=handle,
        in_reply_to=in_reply_to,
        is_public=True,
        **extra,
    )


@pytest.mark.parametrize("store", ["one", "batch"])
def test_a_platform_reply_by_someone_else_opens_its_own_conversation(office, store):
    def receive(message):
        if store == "one":
            return inbound.receive(message)[0]
        return ingest.receive_many([message])[0][0]

    question = receive(_inbound(office, 1, handle="@anna"))
    ours = Message.objects.create(
        conversation=question.conversation,
        office=office,
        channel="mastodon:1",
        remote_id="100",
        direction=Message.Direction.OUTBOUND,
        text_html="<p>Unsere Antwort an Anna</p>",
    )
    stranger = receive(_inbound(office, 2, handle="@bernd", in_reply_to=ours.remote_id))
    in_public = receive(_inbound(office, 3, handle="@bernd", in_reply_to="1"))
    anna = receive(_inbound(office, 4, handle="@ANNA", in_reply_to=ours.remote_id))
    assert stranger.conversation != question.conversation
    assert in_public.conversation != question.conversation
    assert anna.conversation == question.conversation
    assert stranger.conversation.citizen_handle == "@bernd"


def test_a_batch_keeps_a_stranger_out_of_a_conversation_opened_in_the_same_batch(office):
    results = ingest.receive_many(
        [
            _inbound(office, 1, handle="@anna"),
            _inbound(office, 2, handle="@bernd", in_reply_to="1"),
            _inbound(office, 3, handle="@anna", in_reply_to="1"),
        ]
    )
    anna, bernd, again = (message for message, _new in results)
    assert bernd.conversation != anna.conversation
    assert again.conversation == anna.conversation


BERND = "https://other.example/users/bernd"


@pytest.fixture
def bernd(db, signing_keys):
    from rathaus.federation.models import RemoteActor

    return RemoteActor.objects.create(
        uri=BERND,
        domain="other.example",
        username="bernd",
        name="Bernd",
        inbox=f"{BERND}/inbox",
        key_id=f"{BERND}#main-key",
        public_key_pem=signing_keys[1],
    )


def _note(actor, number, in_reply_to):
    note = {
        "id": f"{actor}/statuses/{number}",
        "type": "Note",
        "attributedTo": actor,
        "inReplyTo": in_reply_to,
        "content": f"<p>Antwort {number}</p>",
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": ["http://rathaus.example/ap/presse"],
    }
    return {"id": f"{note['id']}/activity", "type": "Create", "actor": actor, "object": note}


def test_a_fediverse_reply_to_our_answer_to_someone_else_opens_its_own_conversation(
    settings, deliver, citizen, bernd, account
):
    """A public thread under our public answer is legitimate, but each person in it has
    their own conversation: the answer to it goes to them, and what they wrote never
    turns up in another citizen's conversation or data export."""
    settings.FEDERATION_ALLOW_HTTP = True
    assert deliver("/ap/inbox", _note(CITIZEN, 1, None)).status_code == 202
    question = Conversation.objects.get()
    ours = Message.objects.create(
        conversation=question,
        office=question.office,
        channel="fediverse",
        remote_id="http://rathaus.example/ap/presse/replies/1",
        direction=Message.Direction.OUTBOUND,
        text_html="<p>Unsere Antwort</p>",
        is_public=True,
    )
    response = deliver("/ap/inbox", _note(BERND, 1, ours.remote_id), key_id=f"{BERND}#main-key")
    assert response.status_code == 202
    stranger = Message.objects.get(remote_id=f"{BERND}/statuses/1")
    assert stranger.conversation != question
    deliver("/ap/inbox", _note(CITIZEN, 2, ours.remote_id))
    assert Message.objects.get(remote_id=f"{CITIZEN}/statuses/2").conversation == question
