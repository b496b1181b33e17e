"""Instagram: comments on our posts of the last 30 days come into the inbox as public
messages with the commenter's handle — replies in the conversation of the comment they
answer, the account's own replies left out. Fetching again stores nothing twice, and the
cursor (the newest comment's time) moves on."""

import time

import pytest

from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Message
from tests.helpers import fetch_account


@pytest.fixture
def published(connected_account, publish_photo_post):
    post = publish_photo_post()
    return post, Delivery.objects.get(channel=connected_account.channel_key)


def test_a_comment_becomes_a_public_message_once(graph, connected_account, published):
    post, delivery = published
    at = time.time() - 60
    comment = graph.ig_comment(delivery.remote_id, "Wo genau?", username="anna.anwohnerin", at=at)

    assert fetch_account(connected_account) == 1
    assert fetch_account(connected_account) == 0

    message = Message.objects.get()
    assert message.remote_id == comment
    assert message.channel == connected_account.channel_key
    assert (message.author_name, message.author_handle) == ("anna.anwohnerin", "@anna.anwohnerin")
    assert message.author_url == "https://www.instagram.com/anna.anwohnerin/"
    assert message.is_public
    assert "Wo genau?" in message.text_html
    assert message.url == delivery.remote_url
    assert message.conversation.post == post
    connected_account.refresh_from_db()
    assert connected_account.cursor == str(int(at))


def test_replies_join_their_comment_and_our_own_replies_stay_out(
    graph, connected_account, published
):
    _post, delivery = published
    now = time.time()
    question = graph.ig_comment(delivery.remote_id, "Bleibt der Weg offen?", at=now - 30)
    graph.ig_comment(question, "Ja.", username="bezirksamt.mitte", at=now - 20)
    follow_up = graph.ig_comment(question, "@bezirksamt.mitte Danke!", at=now - 10)
    # Someone else in the thread has a conversation of their own (issue 10, item 4).
    other = graph.ig_comment(question, "Und für Räder?", username="carla", at=now - 5)

    assert fetch_account(connected_account) == 3

    first, second, third = Message.objects.order_by("received_at", "id")
    assert (first.remote_id, second.remote_id, third.remote_id) == (question, follow_up, other)
    assert second.in_reply_to == question == third.in_reply_to
    assert second.conversation_id == first.conversation_id
    assert third.conversation_id != first.conversation_id
    [call] = graph.calls("GET", rf"^/v21\.0/{delivery.remote_id}/comments$")
    assert "replies{" in call.query["fields"][0]
