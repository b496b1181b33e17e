"""What the desk calls a delivery that went out: an answer only the citizen receives was
sent ("Gesendet"), never published; a public answer and a post were published."""

import re

import pytest
from django.urls import reverse

from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, Sent
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from tests.helpers import ask, log_in, reply_as


class CommentChannel(Channel):
    """Comments under a post: answered in public or by direct message."""

    key = "kommentare"
    name = "Kommentarkanal"
    answers = frozenset({channels.PUBLIC, channels.DIRECT})

    def reply(self, attempt) -> Sent:
        return Sent(remote_id=f"k:{attempt.message_id}")


@pytest.fixture
def comment_channel():
    channel = channels.register(CommentChannel())
    yield channel
    channels.unregister(channel.key)


def _delivery_states(client, conversation) -> list[str]:
    """The state column of every delivery table on the conversation page."""
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    html = client.get(url).content.decode()
    return re.findall(r'<span class="delivery delivery-published">([^<]*)</span>', html)


def test_an_answer_by_mail_reads_sent(
    agent_client, agent, office, django_capture_on_commit_callbacks
):
    conversation = ask(
        office, channel="contact", remote_id="contact:1", author_email="anna@example.org"
    ).conversation
    answer = reply_as(agent, conversation, "Am Montag.", django_capture_on_commit_callbacks)
    assert answer.deliveries.get().status == Delivery.Status.PUBLISHED
    assert _delivery_states(agent_client, conversation) == ["Gesendet"]


@pytest.mark.parametrize(("public", "label"), [(True, "Veröffentlicht"), (False, "Gesendet")])
def test_a_public_answer_reads_published_and_a_direct_one_sent(
    agent_client, agent, office, comment_channel, django_capture_on_commit_callbacks, public, label
):
    conversation = ask(office, channel="kommentare", remote_id="k:1", is_public=True).conversation
    reply_as(agent, conversation, "Danke!", django_capture_on_commit_callbacks, public=public)
    assert _delivery_states(agent_client, conversation) == [label]


def test_a_posts_deliveries_read_published(client, office, approver, published):
    log_in(client, approver)
    html = client.get(reverse("desk:post_detail", args=[office.slug, published.pk])).text
    states = re.findall(r'<span class="delivery delivery-published">([^<]*)</span>', html)
    assert states and set(states) == {"Veröffentlicht"}


def test_a_finished_withdrawal_reads_withdrawn_not_published(
    client, office, approver, published, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(published, by=approver, reason="Termin abgesagt.")
    withdrawals = Delivery.objects.filter(post=published, action=Delivery.Action.WITHDRAW)
    assert withdrawals and {d.status for d in withdrawals} == {Delivery.Status.PUBLISHED}
    log_in(client, approver)
    html = client.get(reverse("desk:post_detail", args=[office.slug, published.pk])).text
    states = re.findall(r'<span class="delivery delivery-published">([^<]*)</span>', html)
    assert states.count("Zurückgezogen") == withdrawals.count()
    assert states.count("Veröffentlicht") == len(states) - withdrawals.count()
