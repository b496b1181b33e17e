"""Citizens' private messages to the bot arrive in the inbox (getUpdates polling): each
once, the cursor the last update's id. Channel posts, groups, bots and /start are skipped;
a private chat reads as one conversation."""

import json
from datetime import timedelta

from django.utils import timezone

from rathaus.connectors import family
from rathaus.inbox.models import Conversation, Message
from tests.helpers import fetch_account


def test_a_private_message_arrives_in_the_inbox(connected_account, telegram):
    sent = telegram.citizen_writes("Wann ist das Bürgeramt offen?\nDanke!")

    assert fetch_account(connected_account) == 1

    message = Message.objects.get()
    user = sent["from"]
    assert message.remote_id == f"{user['id']}:{sent['message_id']}"
    assert message.text_html == "<p>Wann ist das Bürgeramt offen?<br>Danke!</p>"
    assert message.author_name == "Anna Schmidt"
    assert message.author_handle == "@anna_s"
    assert message.author_url == "https://t.me/anna_s"
    assert not message.is_public
    assert message.conversation.channel == connected_account.channel_key


def test_fetching_twice_stores_each_message_once_and_the_cursor_advances(
    connected_account, telegram
):
    telegram.citizen_writes("Erste Frage")
    telegram.citizen_writes("Zweite Frage")

    assert fetch_account(connected_account) == 2
    connected_account.refresh_from_db()
    last = max(
        u["update_id"] for u in telegram.updates[int(connected_account.access_token.split(":")[0])]
    )
    assert connected_account.cursor == str(last)
    assert fetch_account(connected_account) == 0
    assert Message.objects.count() == 2
    [first, second] = telegram.calls("POST", r"/getUpdates$")
    assert "offset" not in first.form()
    assert second.form()["offset"] == [str(last + 1)]
    assert json.loads(second.form()["allowed_updates"][0]) == ["message", "channel_post"]
    assert second.form()["timeout"] == ["0"]

    telegram.citizen_writes("Dritte Frage")
    assert fetch_account(connected_account) == 1
    assert Message.objects.count() == 3


def test_an_unstored_batch_is_fetched_again(connected_account, telegram):
    telegram.citizen_writes("Frage")
    connector = family.connector_for(connected_account)
    with connector.calling():
        connector.fetch("")  # fetched, but the worker died before storing it

    assert fetch_account(connected_account) == 1  # the cursor did not move: nothing was confirmed


def test_channel_posts_groups_bots_and_commands_are_skipped(connected_account, telegram):
    telegram.admin_posts("Ein Beitrag, von Hand im Kanal gepostet")
    telegram.group_message("Hallo Gruppe")
    telegram.citizen_writes("/start")
    robot = telegram.citizen(first_name="Robo", username="robo_bot")
    robot["is_bot"] = True
    telegram.citizen_writes("Ich bin ein Bot", user=robot)

    assert fetch_account(connected_account) == 0
    connected_account.refresh_from_db()
    assert connected_account.cursor  # skipped updates are confirmed all the same


def test_a_private_chat_reads_as_one_conversation(connected_account, telegram):
    anna = telegram.citizen()
    first = telegram.citizen_writes("Mein Antrag ist weg.", user=anna)
    telegram.citizen_writes("Nummer 4711.", user=anna)
    fetch_account(connected_account)
    telegram.citizen_writes("Haben Sie ihn gefunden?", user=anna)
    telegram.citizen_writes(
        "Noch etwas zur ersten Nachricht", user=anna, reply_to=first["message_id"]
    )
    fetch_account(connected_account)

    assert Conversation.objects.count() == 1
    messages = list(Message.objects.order_by("id"))
    assert [m.in_reply_to for m in messages] == [
        "",
        messages[0].remote_id,
        messages[1].remote_id,
        messages[0].remote_id,
    ]


def test_writing_again_after_a_week_opens_a_new_conversation(connected_account, telegram):
    anna = telegram.citizen()
    telegram.citizen_writes("Mein Antrag ist weg.", user=anna)
    fetch_account(connected_account)
    Message.objects.update(received_at=timezone.now() - timedelta(days=8))

    telegram.citizen_writes("Eine ganz neue Frage", user=anna)
    fetch_account(connected_account)

    assert Conversation.objects.count() == 2


def test_two_citizens_get_two_conversations(connected_account, telegram):
    telegram.citizen_writes("Frage von Anna", user=telegram.citizen())
    telegram.citizen_writes("Frage von Ben", user=telegram.citizen("Ben", "Berg", None))

    assert fetch_account(connected_account) == 2
    assert Conversation.objects.count() == 2
    ben = Message.objects.get(author_name="Ben Berg")
    assert ben.author_handle == "" and ben.author_url == ""


def test_a_photo_is_named_with_its_caption(connected_account, telegram, english_messages):
    telegram.citizen_writes("Schlagloch in der Turmstraße", photo=True)

    fetch_account(connected_account)

    message = Message.objects.get()
    assert message.text_html == (
        "<p>Schlagloch in der Turmstraße</p><p>[photo, not shown here]</p>"
    )
