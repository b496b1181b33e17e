"""Bluesky has no editing: a correction is not sent there. Withdrawing a post deletes its
records (com.atproto.repo.deleteRecord), every part of a thread."""

from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from tests.fakes.bluesky import POST

BODY = " ".join(["Die Sanierung der Brücke am Kanal dauert bis in den Herbst."] * 8)


def test_withdrawing_deletes_every_part(
    fake, connected_account, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Brücke", body=BODY)
    records = fake.posts()
    assert len(records) >= 2

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Falsches Datum")

    delivery = Delivery.objects.get(
        post=post, channel=connected_account.channel_key, action="withdraw"
    )
    assert delivery.status == "published", delivery.last_error
    assert not fake.posts()
    deleted = [r.json() for r in fake.calls("POST", r"deleteRecord$")]
    assert deleted == [
        {"collection": POST, "repo": fake.owner.did, "rkey": r.rkey} for r in reversed(records)
    ]


def test_a_correction_is_not_sent_to_bluesky(
    fake, connected_account, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Brücke", body="Gesperrt ab Montag.")

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(post, by=approver, note="Datum", body="Gesperrt ab Dienstag.")

    assert not Delivery.objects.filter(
        channel=connected_account.channel_key, action="update"
    ).exists()
    [record] = fake.posts()
    assert "Montag" in record.value["text"]
