"""An answer lost after Telegram posted: the retry must not post twice. The Bot API cannot
read a channel, and a bot gets no update for its own posts; a public channel's web preview
(t.me/s/<channel>) shows the latest posts, and the retry looks there first (the plain case: the contract)."""

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from tests.fakes.telegram import FIRST_CHANNEL


def test_the_bot_hears_nothing_of_its_own_posts(connected_account, telegram, publish_post):
    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")
    telegram.admin_posts("Von Hand gepostet")

    updates = telegram.updates[int(connected_account.access_token.split(":")[0])]
    assert [u["channel_post"]["text"] for u in updates] == ["Von Hand gepostet"]
    assert (
        fetching.fetch(connected_account) == 0
    )  # and a person's channel post is no citizen message


def test_a_post_by_hand_with_other_words_is_not_taken_for_ours(
    connected_account, telegram, publish_post, send_all
):
    telegram.refuse(500, "Internal Server Error", path=r"/sendMessage$")
    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")
    telegram.admin_posts("Wahl\n\nDie Wahllokale öffnen um 9 Uhr.")

    assert send_all()[connected_account.channel_key] == "published"

    assert len(telegram.posts()) == 1  # ours, beside the one by hand
    assert len(telegram.messages[FIRST_CHANNEL]) == 2


def test_a_lost_photo_with_caption_is_found(
    connected_account, telegram, photo_post, approver, django_capture_on_commit_callbacks, send_all
):
    post = photo_post("Neue Bänke.")
    telegram.drop_after_handling_next()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)

    assert send_all()[connected_account.channel_key] == "published"
    [photo] = telegram.posts()
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.remote_id == f"{FIRST_CHANNEL}:{photo['message_id']}c"


def test_a_lost_text_after_its_photo_is_found_with_the_photo(
    connected_account, telegram, photo_post, approver, django_capture_on_commit_callbacks, send_all
):
    post = photo_post("Bänke. " * 200)  # too long for a caption: photo, then the text
    telegram.drop_after_handling_next_call_of("sendMessage")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "queued"

    assert send_all()[connected_account.channel_key] == "published"
    photo, text = telegram.posts()  # the photo stayed: the text may have been posted
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.remote_id == f"{FIRST_CHANNEL}:{photo['message_id']},{text['message_id']}"


def test_a_lost_post_in_a_private_channel_cannot_be_looked_up(
    connect_account, telegram, publish_post, send_all
):
    values = telegram.connection_values()
    values["details"]["chat_username"] = ""
    connect_account("telegram", api_base=telegram.url, **values)
    telegram.drop_after_handling_next()

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")
    send_all()

    # Without a public page the retry posts again: documented, and rare.
    assert len(telegram.posts()) == 2
    assert not telegram.calls("GET", r"^/s/")
