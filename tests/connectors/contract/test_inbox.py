"""What every connector does for the inbox: fetching stores each citizen's message once and
moves the account's cursor on to the newest, so the next fetch goes on from there; an
agent's answer goes out as the office's reply to the citizen's message, and the citizen's
reply to our answer joins the same conversation."""

from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Conversation, Message
from tests.connectors.contract.platforms import PLATFORMS, each
from tests.helpers import fetch_account, reply_as


@each(PLATFORMS)
def test_fetching_stores_each_message_once_and_moves_the_cursor_on(
    platform, fake, connected_account, publish_one
):
    publish_one()
    ours = platform.posts(fake)[0]
    first = platform.citizen_writes(fake, ours, "Erste Frage", 1)

    assert fetch_account(connected_account) == 1
    connected_account.refresh_from_db()
    assert connected_account.cursor == first.cursor
    assert fetch_account(connected_account) == 0
    assert connected_account.cursor == first.cursor

    second = platform.citizen_writes(fake, ours, "Zweite Frage", 2)
    assert fetch_account(connected_account) == 1

    connected_account.refresh_from_db()
    assert connected_account.cursor == second.cursor != first.cursor
    stored = Message.objects.filter(channel=connected_account.channel_key)
    assert sorted(stored.values_list("remote_id", flat=True)) == sorted([first.id, second.id])


@each(PLATFORMS)
def test_an_answer_replies_to_the_citizen_and_their_reply_joins_the_conversation(
    platform, fake, connected_account, question, agent, django_capture_on_commit_callbacks
):
    written, message = question
    text = "Bis Freitag.\n\nIhr Bezirksamt"

    answer = reply_as(agent, message.conversation, text, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(message=answer)
    [ours] = platform.answers(fake)
    assert delivery.status == "published", delivery.last_error
    assert ours.reply_to == written.id
    assert ours.text == platform.answer_text(text)
    assert answer.remote_id == delivery.remote_id == ours.id
    assert answer.url == ours.url

    platform.replies_to_answer(fake, ours, written)
    assert fetch_account(connected_account) == 1

    assert Conversation.objects.count() == 1
    inbound = message.conversation.messages.filter(direction=Message.Direction.INBOUND)
    assert inbound.count() == 2
