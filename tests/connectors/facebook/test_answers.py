"""Facebook: an agent's answer from the inbox goes out as the page's reply below the
citizen's comment (an answer to a reply below the comment the reply belongs to: Facebook
threads comments two levels deep), as plain text."""

import time

import pytest

from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Conversation
from tests.fakes.graph import PAGE_ID
from tests.helpers import fetch_account


@pytest.fixture
def post_id(connected_account, publish_post):
    publish_post(title="Baumfällung", body="Am Montag werden zwei Linden gefällt.")
    return Delivery.objects.get(channel=connected_account.channel_key).remote_id


def _answer(conversation, agent, capture, text):
    with capture(execute=True):
        work.reply(conversation, text=text, by=agent)
    return Delivery.objects.get(action="reply")


def test_the_answer_is_the_pages_reply_to_the_comment(
    graph, connected_account, post_id, agent, django_capture_on_commit_callbacks
):
    question = graph.comment(post_id, "Wird die Straße gesperrt?", at=time.time() - 30)
    fetch_account(connected_account)

    delivery = _answer(
        Conversation.objects.get(),
        agent,
        django_capture_on_commit_callbacks,
        "Ja, ab 8 Uhr.\nBitte parken Sie um.",
    )

    [call] = graph.calls("POST", rf"^/v21\.0/{question}/comments$")
    assert call.form()["message"] == ["Ja, ab 8 Uhr.\nBitte parken Sie um."]
    assert call.bearer == graph.token_of(PAGE_ID)
    assert delivery.status == "published"
    reply = graph.comments[delivery.remote_id]
    assert reply["parent"] == question
    assert reply["author"]["id"] == PAGE_ID


def test_an_answer_to_a_reply_goes_below_the_first_comment(
    graph, connected_account, post_id, agent, django_capture_on_commit_callbacks
):
    question = graph.comment(post_id, "Wird die Straße gesperrt?", at=time.time() - 30)
    graph.comment(question, "Und wie lange?", at=time.time() - 20)
    fetch_account(connected_account)

    delivery = _answer(
        Conversation.objects.get(), agent, django_capture_on_commit_callbacks, "Zwei Tage."
    )

    assert delivery.status == "published"
    assert len(graph.calls("POST", rf"^/v21\.0/{question}/comments$")) == 1
    assert graph.comments[delivery.remote_id]["parent"] == question
