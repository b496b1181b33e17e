"""An answer that could not be delivered shows why on its conversation, and retrying it
leads back there (not to a post)."""

import pytest
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, PermanentError, Sent
from rathaus.delivery.models import Delivery
from rathaus.inbox import inbound, work
from tests.helpers import log_in


class FlakyChannel(Channel):
    """Refuses the first answer, takes the next."""

    key = "wackelkanal"
    name = "Wackelkanal"
    publishes_posts = False
    can_reply = True
    # Channels declare the kinds of answer they deliver (issue 10, item 22); this one both.
    answers = frozenset({"public", "direct"})

    def __init__(self) -> None:
        self.calls = 0

    def reply(self, delivery) -> Sent:
        self.calls += 1
        if self.calls == 1:
            raise PermanentError("Empfänger unbekannt")
        return Sent(remote_id=f"w:{delivery.message_id}")


@pytest.fixture
def failed(office, agent, django_capture_on_commit_callbacks):
    channel = channels.register(FlakyChannel())
    message, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel=channel.key, remote_id="q:1", text_html="?")
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(message.conversation, "Antwort", by=agent)
    yield answer.deliveries.get()
    channels.unregister(channel.key)


def test_the_conversation_shows_the_failure_and_a_retry_button(client, agent, failed):
    assert failed.status == Delivery.Status.FAILED
    log_in(client, agent)
    conversation = failed.message.conversation
    html = client.get(
        reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    ).content.decode()
    assert "Empfänger unbekannt" in html
    assert 'class="delivery delivery-failed"' in html
    assert reverse("desk:retry", args=[conversation.office.slug, failed.pk]) in html


def test_retrying_an_answer_returns_to_its_conversation(client, agent, failed):
    log_in(client, agent)
    conversation = failed.message.conversation
    response = client.post(reverse("desk:retry", args=[conversation.office.slug, failed.pk]))
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    assert response.status_code == 302
    assert response["Location"] == f"{url}#message-{failed.message_id}"
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.PUBLISHED
    assert AuditEntry.objects.filter(action="delivery_retried", actor=agent).exists()


def test_an_editor_cannot_retry_an_answer(client, editor, failed):
    log_in(client, editor)
    office = failed.message.office
    response = client.post(reverse("desk:retry", args=[office.slug, failed.pk]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.FAILED


def test_another_office_cannot_retry_an_answer(client, outsider, other_office, failed):
    log_in(client, outsider)
    for slug in (failed.message.office.slug, other_office.slug):
        response = client.post(reverse("desk:retry", args=[slug, failed.pk]))
        assert response.status_code == 404
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.FAILED
