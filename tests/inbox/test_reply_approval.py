"""Four eyes on replies: answers of reviewed staff wait until a colleague approves them,
and nobody approves their own."""

import pytest

from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, Sent
from rathaus.delivery.models import Delivery
from rathaus.inbox import inbound, work
from rathaus.inbox.models import Conversation, ReplyReviewer
from rathaus.offices.access import LifecycleError
from tests.helpers import ask


class AnsweringChannel(Channel):
    key = "answering"
    name = "Answering"
    publishes_posts = False
    can_reply = True
    # Channels declare the kinds of answer they deliver (issue 10, item 22); this one both.
    answers = frozenset({"public", "direct"})

    def __init__(self):
        self.sent = []

    def reply(self, delivery):
        self.sent.append(delivery.message.text_html)
        return Sent(remote_id=f"answer-{delivery.message_id}")


@pytest.fixture
def channel():
    registered = channels.register(AnsweringChannel())
    yield registered
    channels.unregister(registered.key)


@pytest.fixture
def conversation(office, channel):
    return ask(office, "?", channel="answering", remote_id="q1").conversation


@pytest.fixture
def trainee(agent, office):
    ReplyReviewer.objects.create(office=office, user=agent)
    return agent


def test_an_answer_goes_out_at_once_normally(
    conversation, channel, office_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(conversation, "Ab Montag.", by=office_admin)
    assert channel.sent == ["<p>Ab Montag.</p>"]
    assert answer.deliveries.get().status == Delivery.Status.PUBLISHED
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.ANSWERED
    assert conversation.first_response_at is not None


def test_a_trainees_answer_waits_for_approval(
    conversation, channel, trainee, office_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(conversation, "Ab Montag.", by=trainee)
    assert answer.needs_approval
    assert not answer.deliveries.exists()
    assert channel.sent == []
    assert Conversation.objects.get().first_response_at is None

    with pytest.raises(LifecycleError):
        work.approve_reply(answer, by=trainee)
    with django_capture_on_commit_callbacks(execute=True):
        work.approve_reply(answer, by=office_admin)
    assert channel.sent == ["<p>Ab Montag.</p>"]
    assert Conversation.objects.get().first_response_at is not None


def test_an_approved_answer_cannot_be_approved_again(
    conversation, channel, trainee, office_admin, django_capture_on_commit_callbacks
):
    answer = work.reply(conversation, "x", by=trainee)
    with django_capture_on_commit_callbacks(execute=True):
        work.approve_reply(answer, by=office_admin)
    with pytest.raises(LifecycleError):
        work.approve_reply(answer, by=office_admin)
    assert answer.deliveries.count() == 1


def test_html_in_an_answer_is_escaped(conversation, channel, office_admin):
    answer = work.reply(conversation, "<b>fett</b>", by=office_admin)
    assert answer.text_html == "<p>&lt;b&gt;fett&lt;/b&gt;</p>"


def test_a_channel_that_cannot_answer_is_refused(office, office_admin):
    message, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel="newsroom", remote_id="x", text_html="?")
    )
    with pytest.raises(LifecycleError):
        work.reply(message.conversation, "x", by=office_admin)


def test_a_private_conversation_is_never_answered_publicly(conversation, channel, office_admin):
    answer = work.reply(conversation, "x", public=True, by=office_admin)
    assert not answer.is_public
