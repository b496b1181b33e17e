"""An agent answers a citizen from the inbox: the bot replies in the private chat, to the
citizen's message. A citizen who blocked the bot fails that answer, not the account."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Conversation, Message
from tests.helpers import fetch_account


@pytest.fixture
def question(connected_account, telegram):
    sent = telegram.citizen_writes("Wann ist das Bürgeramt offen?")
    fetch_account(connected_account)
    return sent


def answer(agent, text, django_capture_on_commit_callbacks):
    conversation = Conversation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        return work.reply(conversation, text, by=agent)


def test_the_answer_goes_to_the_citizen_as_a_reply(
    connected_account, telegram, question, agent, django_capture_on_commit_callbacks
):
    answer(agent, "Montags 8–18 Uhr.\n\nIhr Bezirksamt", django_capture_on_commit_callbacks)

    chat = question["chat"]["id"]
    [reply] = telegram.posts(chat)
    assert reply["text"] == "Montags 8–18 Uhr.\n\nIhr Bezirksamt"
    assert reply["reply_to_message"]["message_id"] == question["message_id"]
    [call] = telegram.calls("POST", r"/sendMessage$")
    assert json.loads(call.form()["reply_parameters"][0])["message_id"] == question["message_id"]
    delivery = Delivery.objects.get(action="reply")
    assert delivery.status == "published"
    assert delivery.remote_id == f"{chat}:{reply['message_id']}"


def test_a_citizen_replying_to_our_answer_continues_the_conversation(
    connected_account, telegram, question, agent, django_capture_on_commit_callbacks
):
    answer(agent, "Montags 8–18 Uhr.", django_capture_on_commit_callbacks)
    [reply] = telegram.posts(question["chat"]["id"])
    Message.objects.update(received_at=timezone.now() - timedelta(days=30))  # however old

    telegram.citizen_writes("Danke!", user=question["from"], reply_to=reply["message_id"])
    fetch_account(connected_account)

    assert Conversation.objects.count() == 1
    assert Conversation.objects.get().messages.count() == 3


def test_a_citizen_who_blocked_the_bot_fails_only_the_answer(
    connected_account, telegram, question, agent, django_capture_on_commit_callbacks
):
    telegram.block(question["from"]["id"])

    answer(agent, "Montags 8–18 Uhr.", django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(action="reply")
    connected_account.refresh_from_db()
    assert delivery.status == "failed"
    assert delivery.last_error == "Telegram: Forbidden: bot was blocked by the user"
    assert connected_account.status == "active"


def test_a_long_answer_goes_in_several_messages(
    connected_account, telegram, question, agent, django_capture_on_commit_callbacks
):
    answer(agent, "Auskunft. " * 600, django_capture_on_commit_callbacks)

    first, second = telegram.posts(question["chat"]["id"])
    assert first["text"].endswith("(1/2)") and second["text"].endswith("(2/2)")
    assert second["reply_to_message"]["message_id"] == first["message_id"]
