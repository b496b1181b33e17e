"""A citizen's reply to any part of our multi-part answer joins the conversation: every
part's remote id is recorded on the answer's delivery (as a post's parts are), and a reply
naming a later part threads as one naming the first. Before, a reply to part 2 opened a
new conversation. Bluesky and Telegram cut long answers into parts."""

import pytest

from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Conversation
from tests.fakes.bluesky import FakeBluesky
from tests.fakes.server import serving
from tests.helpers import fetch_account, reply_as

LONG = " ".join(["Die Umleitung führt über die Parkstraße und den Markt."] * 10)

bluesky = serving(FakeBluesky)


@pytest.fixture
def conversation(bluesky, connect_account, publish_post):
    account = bluesky.connect(connect_account)
    post = publish_post(title="Sperrung", body="Die Brücke ist ab Montag gesperrt.")
    ours = bluesky.record(Delivery.objects.get(post=post, channel=account.channel_key).remote_id)
    bluesky.citizen_post("Wie lange dauert das?", reply_to=ours.uri)
    fetch_account(account)
    return Conversation.objects.get(channel=account.channel_key)


def test_every_part_of_an_answer_is_recorded(
    bluesky, conversation, agent, django_capture_on_commit_callbacks
):
    answer = reply_as(agent, conversation, LONG, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=answer)
    assert delivery.status == "published", delivery.last_error
    ours = [r for r in bluesky.posts(bluesky.owner.did) if "reply" in r.value]
    assert len(ours) == 2
    assert [part["id"] for part in delivery.remote_parts] == [r.uri for r in ours]
    assert answer.remote_id == ours[0].uri == delivery.remote_id


@pytest.mark.parametrize("part", [0, 1])
def test_a_reply_to_any_part_joins_the_conversation(
    bluesky, conversation, agent, django_capture_on_commit_callbacks, part
):
    answer = reply_as(agent, conversation, LONG, django_capture_on_commit_callbacks)
    parts = Delivery.objects.get(message=answer).remote_parts
    account = conversation.office.connected_accounts.get()

    bluesky.citizen_post("Danke, und ab wann?", reply_to=parts[part]["id"])
    assert fetch_account(account) == 1

    assert Conversation.objects.filter(channel=account.channel_key).count() == 1
    conversation.refresh_from_db()
    latest = conversation.messages.order_by("-received_at", "-id").first()
    assert "ab wann" in latest.text_html
    assert latest.in_reply_to == answer.remote_id


def test_someone_elses_reply_to_a_later_part_still_opens_its_own(
    bluesky, conversation, agent, django_capture_on_commit_callbacks
):
    answer = reply_as(agent, conversation, LONG, django_capture_on_commit_callbacks)
    parts = Delivery.objects.get(message=answer).remote_parts
    account = conversation.office.connected_accounts.get()
    stranger = bluesky.add_account("bernd.bsky.social", display_name="Bernd")

    bluesky.citizen_post("Ich auch!", reply_to=parts[1]["id"], author=stranger)
    fetch_account(account)

    assert Conversation.objects.filter(channel=account.channel_key).count() == 2
