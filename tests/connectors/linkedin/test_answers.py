"""An agent answers a LinkedIn comment from the inbox: the answer goes out as the page's
reply to that comment (socialActions/comments with actor, object and parentComment)."""

import json
from urllib.parse import quote

import pytest

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Message
from tests.fakes.linkedin import ORGANIZATION


@pytest.fixture
def share(fake, connected_account, publish_post):
    publish_post(title="Radweg", body="Der Radweg wird verbreitert.")
    [created] = fake.live_posts()
    return created


def _answer(comment_urn, agent, text, capture):
    conversation = Message.objects.get(remote_id=comment_urn).conversation
    with capture(execute=True):
        return work.reply(conversation, text=text, by=agent)


def test_an_answer_is_posted_as_the_pages_reply_to_the_comment(
    fake, connected_account, share, agent, django_capture_on_commit_callbacks
):
    comment = fake.add_comment(share["id"], "Auch in der Hauptstraße?")
    fetching.fetch(connected_account)

    answer = _answer(
        comment, agent, "Ja, ab März.\n\nIhr Bezirksamt", django_capture_on_commit_callbacks
    )

    delivery = Delivery.objects.get(message=answer)
    [call] = fake.calls("POST", r"^/rest/socialActions/[^/]+/comments$")
    body = json.loads(call.body)
    [reply] = [c for c in fake.comments.values() if c["actor"] == ORGANIZATION]
    assert delivery.status == Delivery.Status.PUBLISHED
    assert call.path == f"/rest/socialActions/{quote(comment, safe='')}/comments"
    assert body == {
        "actor": ORGANIZATION,
        "object": share["activity"],
        "message": {"text": "Ja, ab März.\n\nIhr Bezirksamt"},
        "parentComment": comment,
    }
    assert reply["parentComment"] == comment
    assert delivery.remote_id == reply["$URN"]
    assert delivery.remote_url.endswith(f"?commentUrn={quote(reply['$URN'], safe='')}")


def test_answering_a_reply_answers_in_its_thread(
    fake, connected_account, share, agent, django_capture_on_commit_callbacks
):
    # LinkedIn nests comments one level deep: the answer goes under the thread's comment.
    comment = fake.add_comment(share["id"], "Wer zahlt das?", at_ms=1_900_000_000_000)
    nested = fake.add_comment(
        share["id"], "Und wann?", actor="urn:li:person:ben", parent=comment, at_ms=1_900_000_001_000
    )
    fetching.fetch(connected_account)

    answer = _answer(nested, agent, "Im Frühjahr.", django_capture_on_commit_callbacks)

    assert Delivery.objects.get(message=answer).status == Delivery.Status.PUBLISHED
    [reply] = [c for c in fake.comments.values() if c["actor"] == ORGANIZATION]
    assert reply["parentComment"] == comment
    assert reply["message"]["text"] == "Im Frühjahr."


def test_our_answer_is_not_fetched_back_as_a_citizens_comment(
    fake, connected_account, share, agent, django_capture_on_commit_callbacks
):
    comment = fake.add_comment(share["id"], "Gibt es Parkplätze?")
    fetching.fetch(connected_account)
    _answer(comment, agent, "Nein, leider nicht.", django_capture_on_commit_callbacks)

    assert fetching.fetch(connected_account) == 0
    assert Message.objects.filter(direction=Message.Direction.INBOUND).count() == 1
