"""Answering a citizen from the inbox: a post replying to theirs, in the thread of the
post they answered (root and parent by URI and CID). A lost answer found again: the
contract."""

import pytest

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Conversation

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def answer_with(agent, django_capture_on_commit_callbacks):
    """work.reply, with the delivery sent at commit as in production."""

    def reply(conversation, text):
        with django_capture_on_commit_callbacks(execute=True):
            return work.reply(conversation, text, by=agent)

    return reply


@pytest.fixture
def question(fake, connect_account, publish_post):
    """Our post, a citizen's reply to it fetched into the inbox: (account, ours, theirs)."""
    account = fake.connect(connect_account)
    post = publish_post(title="Sperrung", body="Die Brücke ist ab Montag gesperrt.")
    ours = fake.record(Delivery.objects.get(post=post, channel=account.channel_key).remote_id)
    theirs = fake.citizen_post("Wie lange dauert das?", reply_to=ours.uri)
    fetching.fetch(account)
    return account, ours, theirs


def strong(record):
    return {"uri": record.uri, "cid": record.cid, "$type": "com.atproto.repo.strongRef"}


def answers(fake, theirs):
    return [r for r in fake.posts(fake.owner.did) if "reply" in r.value]


def test_it_answers_a_citizen_in_the_thread(fake, question, answer_with):
    account, ours, theirs = question
    conversation = Conversation.objects.get(channel=account.channel_key)

    message = answer_with(conversation, "Bis Ende Oktober.\n\nIhr Bezirksamt")

    delivery = Delivery.objects.get(message=message)
    assert delivery.status == "published", delivery.last_error
    [answer] = answers(fake, theirs)
    assert answer.value["text"] == "Bis Ende Oktober.\n\nIhr Bezirksamt"
    assert answer.value["reply"]["root"] == strong(ours)
    assert answer.value["reply"]["parent"] == strong(theirs)
    assert delivery.remote_id == answer.uri
    assert delivery.remote_url.endswith(f"/post/{answer.rkey}")


def test_a_long_answer_becomes_a_thread_of_replies(fake, question, answer_with):
    account, ours, theirs = question
    conversation = Conversation.objects.get(channel=account.channel_key)
    text = " ".join(["Die Umleitung führt über die Parkstraße und den Markt."] * 10)

    answer_with(conversation, text)

    first, second = answers(fake, theirs)
    assert first.value["reply"]["parent"] == strong(theirs)
    assert second.value["reply"] == {
        "root": strong(ours),
        "parent": strong(first),
        "$type": "app.bsky.feed.post#replyRef",
    }
    assert first.value["text"].endswith("(1/2)")


def test_answering_a_deleted_post_fails_with_a_clear_message(fake, question, answer_with):
    account, _ours, theirs = question
    conversation = Conversation.objects.get(channel=account.channel_key)
    fake.records.pop(theirs.uri)

    message = answer_with(conversation, "Bis Ende Oktober.")

    delivery = Delivery.objects.get(message=message)
    assert delivery.status == "failed"
    assert "deleted" in delivery.last_error
    assert not answers(fake, theirs)
