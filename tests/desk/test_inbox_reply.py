"""Answering a citizen from the conversation page: the answer goes out through the channel
the question came from, as a Delivery whose status the page shows; only agents and office
admins answer; a refused answer keeps its text."""

import pytest
from django.conf import settings
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, Sent
from rathaus.delivery.models import Delivery
from rathaus.inbox import inbound
from rathaus.inbox.models import Conversation, Message, ReplyReviewer
from tests.helpers import ask, log_in


class AnswerChannel(Channel):
    """A channel citizens write through and that answers them: records what it sent."""

    key = "antwortkanal"
    name = "Antwortkanal"
    publishes_posts = False
    can_reply = True
    # Channels declare the kinds of answer they deliver (issue 10, item 22); this one both.
    answers = frozenset({"public", "direct"})

    def __init__(self) -> None:
        self.sent: list[tuple[str, bool]] = []

    def reply(self, delivery) -> Sent:
        self.sent.append((delivery.message.text_html, delivery.message.is_public))
        return Sent(remote_id=f"antwort:{delivery.message_id}")


@pytest.fixture
def answer_channel():
    channel = channels.register(AnswerChannel())
    yield channel
    channels.unregister(channel.key)


@pytest.fixture
def conversation(office, answer_channel):
    return ask(office, "<p>Frage?</p>", channel="antwortkanal", remote_id="q:1").conversation


def _reply(client, user, conversation, data, capture):
    log_in(client, user)
    url = reverse("desk:conversation_reply", args=[conversation.office.slug, conversation.pk])
    with capture(execute=True):
        return client.post(url, data)


def test_an_agent_answers_and_the_channel_sends_it(
    client, agent, conversation, answer_channel, django_capture_on_commit_callbacks
):
    response = _reply(
        client,
        agent,
        conversation,
        {"reply-text": "Am Montag ab 8 Uhr."},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 302
    answer = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert answer.author_user == agent
    assert answer.is_public is False
    assert answer_channel.sent == [("<p>Am Montag ab 8 Uhr.</p>", False)]
    delivery = answer.deliveries.get()
    assert delivery.status == Delivery.Status.PUBLISHED
    conversation.refresh_from_db()
    assert conversation.status == Conversation.Status.ANSWERED
    assert conversation.first_response_at is not None
    assert AuditEntry.objects.filter(action="reply_written", actor=agent).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "Am Montag ab 8 Uhr." in page
    assert 'class="delivery delivery-published"' in page


def test_editors_and_approvers_may_not_answer(
    client, editor, approver, conversation, answer_channel, django_capture_on_commit_callbacks
):
    for user in (editor, approver):
        data = {"reply-text": "Ich antworte trotzdem"}
        response = _reply(client, user, conversation, data, django_capture_on_commit_callbacks)
        assert response.status_code == 403
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert answer_channel.sent == []


def test_an_empty_answer_is_refused_with_a_message(
    client, agent, conversation, django_capture_on_commit_callbacks
):
    response = _reply(
        client, agent, conversation, {"reply-text": "   "}, django_capture_on_commit_callbacks
    )
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_channel_that_cannot_answer_refuses_and_keeps_the_text(
    client, agent, office, django_capture_on_commit_callbacks
):
    message, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel="gone", remote_id="g:1", text_html="?")
    )
    text = "Eine sorgfältig formulierte Antwort"
    response = _reply(
        client,
        agent,
        message.conversation,
        {"reply-text": text},
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 400
    assert text in response.content.decode()
    assert not Delivery.objects.exists()


def test_a_reviewed_agents_answer_waits_for_approval(
    client, agent, office, conversation, answer_channel, django_capture_on_commit_callbacks
):
    ReplyReviewer.objects.create(office=office, user=agent)
    log_in(client, agent)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("desk:conversation", args=[office.slug, conversation.pk]))
    assert "A colleague approves your answers" in page.content.decode()
    data = {"reply-text": "Bitte prüfen"}
    response = _reply(client, agent, conversation, data, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    answer = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert answer.needs_approval
    assert not answer.deliveries.exists()
    assert answer_channel.sent == []
