"""A text longer than 300 graphemes goes out as a numbered thread: each post replies to
the previous one and names the first as the thread's root, by URI and CID."""

import itertools

from rathaus.delivery.models import Delivery

BODY = " ".join(
    f"Satz {n}: Die Sanierung der Brücke am Kanal dauert bis Herbst." for n in range(14)
)


def ref(record):
    return {"uri": record.uri, "cid": record.cid, "$type": "com.atproto.repo.strongRef"}


def test_it_posts_a_long_text_as_a_thread(fake, connected_account, publish_post):

    post = publish_post(title="Brücke", body=BODY)

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "published", delivery.last_error
    records = fake.posts()
    total = len(records)
    assert total >= 3
    assert all(r.value["text"].endswith(f"({n}/{total})") for n, r in enumerate(records, 1))
    assert "reply" not in records[0].value
    for previous, record in itertools.pairwise(records):
        assert record.value["reply"]["root"] == ref(records[0])
        assert record.value["reply"]["parent"] == ref(previous)
    assert [p["id"] for p in delivery.remote_parts] == [r.uri for r in records]
    assert delivery.remote_id == records[0].uri
    # The thread's parts were known from creating them: nothing was read back.
    assert not fake.calls("GET", r"getRecord$")


def test_a_thread_goes_on_where_it_stopped(fake, connected_account, publish_post, send_all):
    fake.fail_post(3)

    post = publish_post(title="Brücke", body=BODY)

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert len(delivery.remote_parts) == 2
    assert send_all()[connected_account.channel_key] == "published"
    records = fake.posts()
    texts = [r.value["text"] for r in records]
    assert len(texts) == len(set(texts))  # no part twice
    # The new attempt read the second part back to learn its CID and the thread's root.
    [lookup] = fake.calls("GET", r"getRecord$")
    assert lookup.query["rkey"] == [records[1].rkey]
    assert records[2].value["reply"]["root"] == ref(records[0])
    assert records[2].value["reply"]["parent"] == ref(records[1])
    delivery.refresh_from_db()
    assert [p["id"] for p in delivery.remote_parts] == [r.uri for r in records]
