"""Check before retry identifies our own earlier part exactly, never by its text alone.

Reproduced on a real Bluesky server: a 5-part post, then a second post with the same title
and text whose delivery failed after its second part; the retry looked for the third part
by its text, found the first thread's, and went on below it — a duplicate branch, an
orphan record, and withdrawing one post deleted skeets of the other. A part is ours only
if it answers our previous part (the parent), is recorded by no other delivery, and (where
the platform takes one) carries our idempotency key; the shared base decides this for
every connector."""

import itertools

import pytest

from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle

TITLE = "Sperrung der Lindenallee"
BODY = " ".join(
    f"Satz {n}: Die Sanierung der Lindenallee beginnt am Montag mit der Sperrung der Fahrbahn."
    for n in range(1, 15)
)


def _parts(post, account):
    delivery = Delivery.objects.get(post=post, channel=account.channel_key, action="publish")
    return delivery, [part["id"] for part in delivery.remote_parts]


def _withdraw(post, approver, send_all):
    lifecycle.withdraw(post, by=approver, reason="Doppelt.")
    send_all()


def test_bluesky_a_retried_thread_stays_its_own(
    bluesky, connect_account, publish_post, send_all, approver
):
    account = bluesky.connect(connect_account)
    first = publish_post(title=TITLE, body=BODY)
    _delivery, first_parts = _parts(first, account)
    assert len(first_parts) >= 5  # a thread long enough to have identical middle parts

    bluesky.fail_post(3)  # the second post's third part: the PDS says 503, nothing made
    second = publish_post(title=TITLE, body=BODY)
    delivery, _sent = _parts(second, account)
    assert delivery.status == "queued"
    assert len(delivery.remote_parts) == 2

    assert send_all()[account.channel_key] == "published"

    delivery, second_parts = _parts(second, account)
    assert len(second_parts) == len(first_parts)
    assert not set(second_parts) & set(first_parts)  # nothing of the first thread adopted
    records = {r.uri: r for r in bluesky.posts()}
    assert len(records) == 2 * len(first_parts)  # no orphan, no duplicate branch
    for parts in (first_parts, second_parts):
        root = records[parts[0]]
        assert "reply" not in root.value
        for previous, uri in itertools.pairwise(parts):
            reply = records[uri].value["reply"]
            assert reply["parent"]["uri"] == previous
            assert reply["root"]["uri"] == parts[0]
    assert delivery.attempts == 2

    _withdraw(second, approver, send_all)

    assert sorted(r.uri for r in bluesky.posts()) == sorted(first_parts)


def test_bluesky_the_retry_still_finds_its_own_part_that_went_out(
    bluesky, connect_account, publish_post, send_all
):
    account = bluesky.connect(connect_account)
    first = publish_post(title=TITLE, body=BODY)
    _delivery, first_parts = _parts(first, account)

    # The second post's first part is made but its answer is lost; its fourth then fails.
    bluesky.drop_after_handling_next()
    bluesky.fail_post(4)
    second = publish_post(title=TITLE, body=BODY)
    assert send_all()[account.channel_key] == "published"

    delivery, second_parts = _parts(second, account)
    assert delivery.attempts == 3
    assert not set(second_parts) & set(first_parts)
    assert len(bluesky.posts()) == len(first_parts) + len(second_parts)


def test_mastodon_a_retried_thread_stays_its_own(
    mastodon, connect_account, publish_post, send_all, approver
):
    account = mastodon.connect(connect_account)
    first = publish_post(title=TITLE, body=BODY * 2)
    _delivery, first_parts = _parts(first, account)
    assert len(first_parts) >= 3

    mastodon.fail_next_reply(503)  # the second post's second part fails, nothing made
    second = publish_post(title=TITLE, body=BODY * 2)
    delivery, _sent = _parts(second, account)
    assert delivery.status == "queued" and len(delivery.remote_parts) == 1

    assert send_all()[account.channel_key] == "published"

    _delivery, second_parts = _parts(second, account)
    assert len(second_parts) == len(first_parts)
    assert not set(second_parts) & set(first_parts)
    statuses = {s.id: s for s in mastodon.posted()}
    assert len(statuses) == 2 * len(first_parts)
    for parts in (first_parts, second_parts):
        assert statuses[parts[0]].in_reply_to_id is None
        for previous, status_id in itertools.pairwise(parts):
            assert statuses[status_id].in_reply_to_id == previous

    _withdraw(second, approver, send_all)

    assert sorted(s.id for s in mastodon.posted()) == sorted(first_parts)


@pytest.mark.parametrize("dropped", [1, 2])
def test_mastodon_a_part_whose_answer_was_lost_is_not_posted_twice(
    mastodon, connect_account, publish_post, send_all, dropped
):
    account = mastodon.connect(connect_account)
    first = publish_post(title=TITLE, body=BODY * 2)
    _delivery, first_parts = _parts(first, account)
    if dropped == 2:
        mastodon.fail_next_reply(503)  # first an honest failure, so the retry runs twice
    mastodon.drop_after_handling_next()
    second = publish_post(title=TITLE, body=BODY * 2)

    assert send_all()[account.channel_key] == "published"

    _delivery, second_parts = _parts(second, account)
    assert not set(second_parts) & set(first_parts)
    assert len(mastodon.posted()) == len(first_parts) + len(second_parts)
