"""A text longer than the server allows goes out as a numbered thread: every part answers
the one before it (in_reply_to_id), and each fits the server's own limit."""

import itertools

from rathaus.delivery.models import Delivery
from tests.fakes.mastodon import FakeMastodon, length

SENTENCE = "Die Sanierung der Lindenallee beginnt am Montag mit der Sperrung der Fahrbahn. "


def test_it_posts_a_long_text_as_a_thread(connected_account, fake, publish_post):
    publish_post(title="Lindenallee", body=SENTENCE * 15)

    statuses = fake.posted()
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    total = len(statuses)
    assert total >= 3
    assert all(length(s.text) <= 500 for s in statuses)
    assert [s.text.rsplit(" ", 1)[-1] for s in statuses] == [
        f"({n}/{total})" for n in range(1, total + 1)
    ]
    assert statuses[0].in_reply_to_id is None
    for previous, status in itertools.pairwise(statuses):
        assert status.in_reply_to_id == previous.id
    assert delivery.status == "published"
    assert delivery.remote_id == statuses[0].id
    assert [p["id"] for p in delivery.remote_parts] == [s.id for s in statuses]


def test_a_server_with_a_higher_limit_gets_fewer_parts(
    connect_account, publish_post, loopback_platforms
):
    with FakeMastodon(max_characters=5000) as server:
        account = connect_account("mastodon", api_base=server.url, **server.connection_values())
        publish_post(title="Lindenallee", body=SENTENCE * 15)

        [status] = server.posted()
    assert SENTENCE.strip() in status.text
    assert Delivery.objects.get(channel=account.channel_key).status == "published"


def test_a_retry_goes_on_with_the_part_that_failed(connected_account, fake, publish_post, send_all):
    fake.fail_next_reply(503)

    publish_post(title="Lindenallee", body=SENTENCE * 15)

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    [first] = fake.posted()
    assert delivery.status == "queued"
    assert [p["id"] for p in delivery.remote_parts] == [first.id]

    send_all()

    delivery.refresh_from_db()
    statuses = fake.posted()
    assert delivery.status == "published"
    assert statuses[0] == first
    assert len({s.text for s in statuses}) == len(statuses)  # no part twice
    assert statuses[1].in_reply_to_id == first.id
    assert [p["id"] for p in delivery.remote_parts] == [s.id for s in statuses]
