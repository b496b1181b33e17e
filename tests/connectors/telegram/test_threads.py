"""A text longer than Telegram's 4096 characters goes out as a thread: numbered messages,
each a reply to the one before. Telegram counts UTF-16 code units, so emoji count twice."""

import itertools

from rathaus.connectors import family
from rathaus.delivery.models import Delivery
from tests.fakes.telegram import FIRST_CHANNEL, units


def test_it_posts_a_long_text_as_a_thread_of_replies(connected_account, telegram, publish_post):
    publish_post(title="Haushalt 2026", body="Der Bezirk plant Ausgaben. " * 400)  # ~10,800

    posts = telegram.posts()
    assert len(posts) == 3
    assert [p["text"][-6:] for p in posts] == [" (1/3)", " (2/3)", " (3/3)"]
    assert all(units(p["text"]) <= 4096 for p in posts)
    assert "reply_to_message" not in posts[0]
    for before, after in itertools.pairwise(posts):
        assert after["reply_to_message"]["message_id"] == before["message_id"]
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "published"
    assert [part["id"] for part in delivery.remote_parts] == [
        f"{FIRST_CHANNEL}:{p['message_id']}" for p in posts
    ]


def test_emoji_count_as_two_characters(connected_account):
    limits = family.connector_for(connected_account).limits

    assert limits.count("🌳") == 2
    assert limits.count("ä") == 1


def test_a_thread_that_failed_halfway_goes_on_where_it_stopped(
    connected_account, telegram, publish_post, send_all
):
    telegram.refuse_later("sendMessage", 1, 500, "Internal Server Error")

    publish_post(title="Haushalt 2026", body="Der Bezirk plant Ausgaben. " * 400)
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued" and len(delivery.remote_parts) == 1
    assert send_all()[connected_account.channel_key] == "published"

    posts = telegram.posts()
    assert [p["text"][-6:] for p in posts] == [" (1/3)", " (2/3)", " (3/3)"]
    assert posts[1]["reply_to_message"]["message_id"] == posts[0]["message_id"]
