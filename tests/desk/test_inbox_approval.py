"""Four eyes on answers from the desk: a reviewed agent's answer waits, a colleague
approves it and it goes out; its author cannot approve it."""

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, Sent
from rathaus.delivery.models import Delivery
from rathaus.inbox import inbound, work
from rathaus.inbox.models import ReplyReviewer
from tests.helpers import PASSWORD, log_in


class ReviewedChannel(Channel):
    key = "gepruefterkanal"
    name = "Geprüfter Kanal"
    publishes_posts = False
    can_reply = True
    # Channels declare the kinds of answer they deliver (issue 10, item 22); this one both.
    answers = frozenset({"public", "direct"})

    def reply(self, delivery) -> Sent:
        return Sent(remote_id=f"g:{delivery.message_id}")


@pytest.fixture
def waiting(office, agent):
    channel = channels.register(ReviewedChannel())
    ReplyReviewer.objects.create(office=office, user=agent)
    message, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel=channel.key, remote_id="q:1", text_html="?")
    )
    yield work.reply(message.conversation, "Neu im Team: meine erste Antwort", by=agent)
    channels.unregister(channel.key)


def _approve(client, user, answer, capture):
    log_in(client, user)
    conversation = answer.conversation
    url = reverse("desk:conversation_approve", args=[conversation.office.slug, conversation.pk])
    with capture(execute=True):
        return client.post(url, {"message": answer.pk})


def test_a_colleague_approves_and_the_answer_goes_out(
    client, office_admin, waiting, django_capture_on_commit_callbacks
):
    page = client.login(username=office_admin.username, password=PASSWORD)
    url = reverse("desk:conversation", args=[waiting.office.slug, waiting.conversation_id])
    page = client.get(url).content.decode()
    assert reverse("desk:conversation_approve", args=["mitte", waiting.conversation_id]) in page
    response = _approve(client, office_admin, waiting, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    waiting.refresh_from_db()
    assert waiting.approved_by == office_admin
    assert waiting.deliveries.get().status == Delivery.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="reply_approved", actor=office_admin).exists()


def test_the_author_cannot_approve_their_own_answer(
    client, agent, waiting, django_capture_on_commit_callbacks
):
    log_in(client, agent)
    url = reverse("desk:conversation", args=[waiting.office.slug, waiting.conversation_id])
    page = client.get(url).content.decode()
    assert 'class="primary" disabled aria-describedby="four-eyes-' in page
    response = _approve(client, agent, waiting, django_capture_on_commit_callbacks)
    assert response.status_code == 400
    waiting.refresh_from_db()
    assert waiting.approved_by is None
    assert not Delivery.objects.exists()


def test_an_editor_cannot_approve_answers(
    client, editor, waiting, django_capture_on_commit_callbacks
):
    response = _approve(client, editor, waiting, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not Delivery.objects.exists()


def test_a_message_of_another_conversation_is_not_found(
    client, office_admin, office, waiting, django_capture_on_commit_callbacks
):
    other, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel="contact", remote_id="o:1", text_html="?")
    )
    log_in(client, office_admin)
    url = reverse("desk:conversation_approve", args=[office.slug, other.conversation_id])
    assert client.post(url, {"message": waiting.pk}).status_code == 404
    assert client.post(url, {"message": "x"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.approved_by is None
