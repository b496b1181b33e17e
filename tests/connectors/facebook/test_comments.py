"""Facebook: comments on our posts of the last 30 days come into the inbox as public
messages, linked to the post — replies in the conversation of the comment they answer,
the page's own replies left out. Fetching again stores nothing twice, and the cursor
(the newest comment's time) moves on."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Message
from tests.fakes.graph import PAGE_ID
from tests.helpers import fetch_account


@pytest.fixture
def published(connected_account, publish_post):
    post = publish_post(title="Baumfällung", body="Am Montag werden zwei Linden gefällt.")
    return post, Delivery.objects.get(channel=connected_account.channel_key).remote_id


def test_a_comment_becomes_a_public_message_once(graph, connected_account, published):
    post, post_id = published
    at = time.time() - 60
    comment = graph.comment(post_id, "Wann genau? <b>Morgens</b>?", name="Anna Anwohnerin", at=at)

    assert fetch_account(connected_account) == 1
    assert fetch_account(connected_account) == 0

    message = Message.objects.get()
    assert message.remote_id == comment
    assert message.channel == connected_account.channel_key
    assert message.author_name == "Anna Anwohnerin"
    assert message.is_public
    assert "Wann genau? &lt;b&gt;Morgens&lt;/b&gt;?" in message.text_html
    assert message.url == f"https://www.facebook.com/{post_id}?comment_id={comment}"
    assert message.conversation.post == post
    connected_account.refresh_from_db()
    assert connected_account.cursor == str(int(at))
    first, second = graph.calls("GET", rf"^/v21\.0/{post_id}/comments$")
    assert first.query["filter"] == ["stream"]
    assert "since" not in first.query
    assert second.query["since"] == [str(int(at))]


def test_replies_join_their_comment_and_the_pages_own_replies_stay_out(
    graph, connected_account, published
):
    _post, post_id = published
    now = time.time()
    question = graph.comment(post_id, "Wird die Straße gesperrt?", at=now - 30)
    graph.comment(question, "Ja, ab 8 Uhr.", name="Bezirksamt Mitte", user=PAGE_ID, at=now - 20)
    follow_up = graph.comment(question, "Danke! Wie lange?", at=now - 10)

    assert fetch_account(connected_account) == 2

    first, second = Message.objects.order_by("received_at", "id")
    assert (first.remote_id, second.remote_id) == (question, follow_up)
    assert second.in_reply_to == question
    assert second.conversation_id == first.conversation_id


def test_someone_elses_reply_below_a_comment_is_a_conversation_of_its_own(
    graph, connected_account, published
):
    """A reply by another person below Anna's comment is not filed under Anna's
    conversation: it would be answered to her and handed out with her data."""
    _post, post_id = published
    now = time.time()
    question = graph.comment(post_id, "Wird die Straße gesperrt?", at=now - 30)
    stranger = graph.comment(question, "Das weiß doch keiner.", name="Bernd", user="777", at=now)

    assert fetch_account(connected_account) == 2

    anna, bernd = Message.objects.order_by("received_at", "id")
    assert (anna.remote_id, bernd.remote_id) == (question, stranger)
    assert bernd.conversation_id != anna.conversation_id


def test_comments_on_posts_older_than_30_days_are_not_fetched(graph, connected_account, published):
    _post, post_id = published
    Delivery.objects.filter(channel=connected_account.channel_key).update(
        sent_at=timezone.now() - timedelta(days=31)
    )
    graph.comment(post_id, "Späte Frage")

    assert fetch_account(connected_account) == 0
    assert graph.calls("GET", r"/comments$") == []
