"""Answering a citizen from the inbox: the answer is a reply on X to the citizen's post
(reply.in_reply_to_tweet_id), whose X id the answer keeps, so that the citizen's next reply
joins the conversation (that and a lost answer not posted twice: the contract); what X
cannot take is refused with a clear message and nothing is posted."""

import pytest

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Message
from rathaus.offices.access import LifecycleError


@pytest.fixture
def question(connected_account, fake, publish_post):
    publish_post(title="Sperrung", body="Die Lindenallee ist ab Montag gesperrt.")
    ours = Delivery.objects.get(channel=connected_account.channel_key, action="publish").remote_id
    remote_id = fake.reply("Wie lange denn?", to=ours)
    fetching.fetch(connected_account)
    return Message.objects.get(remote_id=remote_id)


def _answer(question, agent, text, capture, **options):
    with capture(execute=True):
        answer = work.reply(question.conversation, text=text, by=agent, **options)
    return answer, Delivery.objects.get(message=answer)


def test_an_answer_too_long_for_x_is_refused(
    question, agent, fake, django_capture_on_commit_callbacks, english_messages
):
    _message, delivery = _answer(question, agent, "Lang. " * 60, django_capture_on_commit_callbacks)

    assert delivery.status == "failed"
    assert "at most 280 characters" in delivery.last_error
    assert [t for t in fake.posts_of("1") if t["reply_to"]] == []


def test_a_private_answer_is_not_posted_publicly(
    question, agent, fake, django_capture_on_commit_callbacks, english_messages
):
    # X declares public answers only: a private one is refused before anything is stored
    # or sent (it used to fail only at sending time).
    with pytest.raises(LifecycleError, match="public"):
        _answer(
            question, agent, "Ihre Adresse: …", django_capture_on_commit_callbacks, public=False
        )

    assert not Delivery.objects.filter(message__isnull=False).exists()
    assert [t for t in fake.posts_of("1") if t["reply_to"]] == []
