"""A text longer than X's 280 weighted characters goes out as a numbered thread: every
part answers the one before (reply.in_reply_to_tweet_id), and the first part's address
is the delivery's."""

from rathaus.connectors.platforms._x_text import weighted_length
from rathaus.delivery.models import Delivery

LONG = " ".join(
    f"Satz {n}: Die Lindenallee wird zwischen Hauptstraße und Markt gesperrt." for n in range(12)
)


def test_it_posts_a_long_text_as_a_thread(connected_account, fake, publish_post):
    publish_post(title="Sperrung", body=LONG)

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    tweets = fake.posts_of("1")
    total = len(tweets)
    assert delivery.status == "published"
    assert total >= 3
    assert all(weighted_length(t["posted"]) <= 280 for t in tweets)
    assert [t["posted"].rsplit(" ", 1)[-1] for t in tweets] == [
        f"({n}/{total})" for n in range(1, total + 1)
    ]
    assert [t["reply_to"] for t in tweets] == ["", *[t["id"] for t in tweets[:-1]]]
    assert delivery.remote_id == tweets[0]["id"]
    assert [p["id"] for p in delivery.remote_parts] == [t["id"] for t in tweets]


def test_a_thread_stopped_by_an_error_goes_on_with_the_next_part(
    connected_account, fake, publish_post, send_all
):
    fake.fail_tweet_number(2, status=503)

    publish_post(title="Sperrung", body=LONG)
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert len(delivery.remote_parts) == 1

    statuses = send_all()

    tweets = fake.posts_of("1")
    assert statuses[connected_account.channel_key] == "published"
    assert len({t["posted"] for t in tweets}) == len(tweets) >= 3  # the first part once
    assert [t["reply_to"] for t in tweets] == ["", *[t["id"] for t in tweets[:-1]]]


def test_text_in_a_script_that_weighs_double_is_cut_by_xs_count(
    connected_account, fake, publish_post
):
    body = " ".join(["通知道路封闭"] * 30)  # 209 characters, but 389 by X's count

    publish_post(title="通知", body=body)

    tweets = fake.posts_of("1")
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"
    assert len(tweets) == 2
    assert all(weighted_length(t["posted"]) <= 280 for t in tweets)
