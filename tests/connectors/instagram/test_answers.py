"""Instagram: an agent's answer from the inbox goes out as the account's reply to the
citizen's comment (replies go below top-level comments only, so an answer to a reply goes
below the comment it belongs to), as plain text."""

import time

import pytest

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Conversation
from tests.fakes.graph import IG_ID


@pytest.fixture
def media_id(connected_account, publish_photo_post):
    publish_photo_post()
    return Delivery.objects.get(channel=connected_account.channel_key).remote_id


def _answer(connected_account, agent, capture, text):
    fetching.fetch(connected_account)
    # The newest conversation: someone else's reply in a thread is one of its own.
    with capture(execute=True):
        work.reply(Conversation.objects.latest("pk"), text=text, by=agent)
    return Delivery.objects.get(action="reply")


def test_the_answer_is_a_reply_to_the_comment(
    graph, connected_account, media_id, agent, django_capture_on_commit_callbacks
):
    question = graph.ig_comment(media_id, "Bleibt der Weg offen?", at=time.time() - 30)

    delivery = _answer(
        connected_account, agent, django_capture_on_commit_callbacks, "Ja, der Weg bleibt offen."
    )

    [call] = graph.calls("POST", rf"^/v21\.0/{question}/replies$")
    assert call.form()["message"] == ["Ja, der Weg bleibt offen."]
    assert delivery.status == "published"
    reply = graph.comments[delivery.remote_id]
    assert reply["parent"] == question
    assert reply["author"] == {"id": IG_ID, "username": "bezirksamt.mitte"}


def test_an_answer_to_a_reply_goes_below_the_first_comment(
    graph, connected_account, media_id, agent, django_capture_on_commit_callbacks
):
    question = graph.ig_comment(media_id, "Bleibt der Weg offen?", at=time.time() - 30)
    graph.ig_comment(question, "Und nachts?", username="bernd.b", at=time.time() - 20)

    delivery = _answer(connected_account, agent, django_capture_on_commit_callbacks, "Auch nachts.")

    assert Conversation.objects.count() == 2  # Bernd's reply is his own conversation
    assert delivery.message.conversation.citizen_handle == "@bernd.b"
    assert delivery.status == "published"
    assert graph.comments[delivery.remote_id]["parent"] == question
