"""A public answer must be unmistakable before it is sent: a public conversation shows a
warning naming the platform and asks who shall see the answer, with nothing chosen; an
answer without that choice is refused and keeps its text. Private conversations are
answered privately, without the question."""

import pytest
from django.urls import reverse

from rathaus.delivery import channels
from rathaus.delivery import sending as delivery_sending
from rathaus.delivery.channels import Channel, Sent
from rathaus.delivery.models import Delivery
from rathaus.federation import activities
from rathaus.federation.models import Activity
from rathaus.inbox import inbound
from rathaus.inbox.models import Message
from tests.helpers import CITIZEN

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"


class CommentChannel(Channel):
    key = "kommentare"
    name = "Kommentarkanal"
    publishes_posts = False
    can_reply = True
    # Channels declare the kinds of answer they deliver (issue 10, item 22); this one both.
    answers = frozenset({"public", "direct"})

    def reply(self, delivery) -> Sent:
        return Sent(remote_id=f"k:{delivery.message_id}")


@pytest.fixture
def comment_channel():
    channel = channels.register(CommentChannel())
    yield channel
    channels.unregister(channel.key)


def _ask(office, channel, *, public, remote_id="k:1", **fields):
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=channel,
            remote_id=remote_id,
            text_html="<p>Warum wird gefällt?</p>",
            is_public=public,
            **fields,
        )
    )
    return message.conversation


def _page(client, conversation) -> str:
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    return client.get(url).content.decode()


def _reply(client, conversation, data):
    url = reverse("desk:conversation_reply", args=[conversation.office.slug, conversation.pk])
    return client.post(url, data)


def test_a_public_conversation_warns_and_chooses_nothing(
    english_agent_client, office, comment_channel
):
    html = _page(english_agent_client, _ask(office, "kommentare", public=True))
    assert "Public answer: visible to everyone on Kommentarkanal" in html
    assert 'name="reply-visibility" value="public"' in html
    assert 'name="reply-visibility" value="direct"' in html
    radios = [part.split(">", 1)[0] for part in html.split('name="reply-visibility"')[1:]]
    assert len(radios) == 2
    assert not any("checked" in radio for radio in radios)
    assert "<legend>Who sees the answer?</legend>" in html


def test_an_answer_without_a_choice_is_refused_and_keeps_its_text(
    english_agent_client, office, comment_channel
):
    conversation = _ask(office, "kommentare", public=True)
    text = "Weil die Linde krank ist, siehe Gutachten."
    response = _reply(english_agent_client, conversation, {"reply-text": text})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Choose whether everyone may see the answer or only the citizen." in html
    assert text in html
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert not Delivery.objects.exists()


@pytest.mark.parametrize(("choice", "public"), [("public", True), ("direct", False)])
def test_the_answer_is_as_public_as_chosen(
    english_agent_client, office, comment_channel, choice, public
):
    conversation = _ask(office, "kommentare", public=True)
    data = {"reply-text": "Antwort", "reply-visibility": choice}
    assert _reply(english_agent_client, conversation, data).status_code == 302
    answer = Message.objects.get(direction=Message.Direction.OUTBOUND)
    assert answer.is_public is public


def test_a_private_conversation_is_answered_privately_without_asking(
    english_agent_client, office, comment_channel
):
    conversation = _ask(office, "kommentare", public=False)
    html = _page(english_agent_client, conversation)
    assert "reply-visibility" not in html
    assert "Public answer" not in html
    assert "only the citizen receives it" in html
    # Even a forged "public" cannot make a private conversation's answer public.
    data = {"reply-text": "Antwort", "reply-visibility": "public"}
    assert _reply(english_agent_client, conversation, data).status_code == 302
    assert Message.objects.get(direction=Message.Direction.OUTBOUND).is_public is False


@pytest.fixture
def fediverse_question(office, account, citizen, settings):
    settings.FEDERATION_ALLOW_HTTP = True
    return _ask(
        office,
        "fediverse",
        public=True,
        remote_id=f"{CITIZEN}/statuses/1",
        author_name=citizen.name,
        author_handle=citizen.handle,
        author_url=citizen.uri,
    )


@pytest.mark.parametrize(
    ("choice", "to"), [("public", [PUBLIC]), ("direct", [CITIZEN])], ids=["public", "direct"]
)
def test_a_fediverse_answer_is_addressed_as_chosen(
    english_agent_client, fediverse_question, choice, to
):
    html = _page(english_agent_client, fediverse_question)
    assert "Public answer: visible to everyone on Fediverse" in html
    data = {"reply-text": "Ab Montag.", "reply-visibility": choice}
    assert _reply(english_agent_client, fediverse_question, data).status_code == 302
    # Sent here rather than by the on-commit wake-up: the fan-out after it would reach
    # for social.example, and tests stay on loopback.
    delivery = Delivery.objects.get(action=Delivery.Action.REPLY)
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery_sending.send(delivery.pk) == Delivery.Status.PUBLISHED
    note = Activity.objects.get(kind=activities.REPLY).body["object"]
    assert note["to"] == to
    assert "Ab Montag." in note["content"]
