"""The citizen writes again from the follow page: the message joins the same conversation,
threaded under the last one, and reopens what we had answered."""

import pytest

from rathaus.contact import follow, submitting
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Message
from rathaus.lib import spam


@pytest.fixture
def conversation(office):
    message, _new = submitting.ask(
        office,
        nonce_id=spam.nonce_id(spam.new_nonce()),
        text="Der Gehweg ist vereist.",
        name="Anna",
        email="anna@example.org",
    )
    return message.conversation


@pytest.fixture
def answered(conversation, office_admin, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(conversation, "Der Winterdienst ist unterwegs.", by=office_admin)
    answer.refresh_from_db()
    conversation.refresh_from_db()
    return answer


def _write(client, conversation, text, **extra):
    return client.post(
        follow.path(conversation), {"message": text, "nonce": spam.new_nonce()} | extra
    )


def test_a_follow_up_threads_into_the_same_conversation(client, conversation, answered):
    assert conversation.status == Conversation.Status.ANSWERED
    response = _write(client, conversation, "Danke, jetzt ist es gestreut.")
    assert response.status_code == 303
    follow_up = Message.objects.get(text_html__contains="gestreut")
    assert follow_up.conversation == conversation
    assert follow_up.in_reply_to == answered.remote_id
    assert follow_up.direction == Message.Direction.INBOUND
    assert follow_up.author_name == "Anna"
    assert Conversation.objects.count() == 1
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.OPEN
    assert "no-store" in response["Cache-Control"]


def test_after_sending_the_page_shows_the_message_and_says_so(client, conversation):
    path = follow.path(conversation)
    response = client.post(
        path, {"message": "Nachtrag: auch vor Nr. 5.", "nonce": spam.new_nonce()}
    )
    assert response["Location"].startswith(f"{path}?gesendet=1#message-")
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Your message has been sent." in page.text
    assert "Nachtrag: auch vor Nr. 5." in page.text


def test_a_follow_up_without_an_answer_threads_under_the_question(client, conversation):
    _write(client, conversation, "Nachtrag")
    question = conversation.messages.order_by("id").first()
    assert Message.objects.get(text_html__contains="Nachtrag").in_reply_to == question.remote_id


def test_the_same_follow_up_sent_twice_is_stored_once(client, conversation):
    nonce = spam.new_nonce()
    _write(client, conversation, "Doppelt gedrückt", nonce=nonce)
    _write(client, conversation, "Doppelt gedrückt", nonce=nonce)
    assert conversation.messages.filter(text_html__contains="Doppelt").count() == 1


def test_a_follow_up_has_the_same_spam_defences(client, conversation):
    response = _write(client, conversation, "Spam", website="https://spam.example")
    assert response.status_code == 400
    assert _write(client, conversation, "").status_code == 400
    assert conversation.messages.count() == 1


def test_a_follow_up_counts_against_the_rate_limit(client, conversation, monkeypatch):
    monkeypatch.setattr(spam, "RATE_LIMIT", (2, 600))
    assert _write(client, conversation, "Eins").status_code == 303
    assert _write(client, conversation, "Zwei").status_code == 303
    assert _write(client, conversation, "Drei").status_code == 429
    assert conversation.messages.count() == 3


def test_an_anonymised_conversation_takes_no_follow_up(client, conversation):
    conversation.anonymised_at = conversation.created_at
    conversation.save()
    _write(client, conversation, "Noch jemand da?")
    assert conversation.messages.count() == 1
