"""Answering a citizen from the inbox: the answer is a status in reply to theirs that
mentions them, direct for a direct message and unlisted for a public mention. The
citizen's reply to our answer joins the same conversation, and a lost answer is not
sent twice: the contract, tests/connectors/contract/."""

import pytest

from rathaus.connectors import fetching
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Conversation


@pytest.fixture
def answer(agent, django_capture_on_commit_callbacks):
    def send(conversation, text):
        with django_capture_on_commit_callbacks(execute=True):
            return work.reply(conversation, text=text, by=agent)

    return send


def _conversation(connected_account, fake, **mention) -> tuple:
    question = fake.mention("Wann wird die Lindenallee geöffnet?", **mention)
    fetching.fetch(ConnectedAccount.objects.get(pk=connected_account.pk))
    return question, Conversation.objects.get(channel=connected_account.channel_key)


def test_it_answers_a_public_mention_in_its_thread(connected_account, fake, answer):
    question, conversation = _conversation(connected_account, fake)

    reply = answer(conversation, "Am Freitag, 16 Uhr.")

    [status] = fake.posted()
    [call] = fake.calls("POST", r"^/api/v1/statuses$")
    assert status.text == "@anwohnerin@other.example Am Freitag, 16 Uhr."
    assert status.in_reply_to_id == question.id
    assert status.visibility == "unlisted"
    assert call.headers["idempotency-key"].startswith("rathaus-")
    delivery = Delivery.objects.get(message=reply)
    reply.refresh_from_db()
    assert delivery.status == "published"
    assert delivery.remote_id == reply.remote_id == status.id


def test_it_answers_a_direct_message_directly(connected_account, fake, answer):
    _question, conversation = _conversation(connected_account, fake, visibility="direct")

    answer(conversation, "Danke, wir melden uns.")

    [status] = fake.posted()
    assert status.visibility == "direct"
    assert status.text.startswith("@anwohnerin@other.example ")
