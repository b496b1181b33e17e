"""A correction edits the published statuses (PUT /api/v1/statuses/:id) and keeps their
images; withdrawing deletes every status of the thread. A status deleted on Mastodon by
hand counts as withdrawn."""

import pytest

from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle

# These tests match the platforms' and our messages in their English source text.
pytestmark = pytest.mark.usefixtures("english_messages")

SENTENCE = "Die Sanierung der Lindenallee beginnt am Montag mit der Sperrung der Fahrbahn. "


@pytest.fixture
def change(approver, django_capture_on_commit_callbacks):
    def run(step, post, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return step(post, by=approver, **fields)

    return run


def _delivery(account, action):
    return Delivery.objects.get(channel=account.channel_key, action=action)


def test_a_correction_edits_the_status_and_keeps_its_image(
    connected_account, fake, office, editor, approver, tiny_png, change
):
    post = lifecycle.create_draft(office, by=editor, title="Bänke", body="Zwei neue Bänke.")
    lifecycle.add_image(
        post, by=editor, file=tiny_png, alt_text="Zwei Bänke", author="Amt", licence="CC0"
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    change(lifecycle.publish, post)
    [status] = fake.posted()
    [media] = status.media

    change(lifecycle.correct, post, note="Zahl korrigiert", body="Drei neue Bänke.")

    [edit] = fake.calls("PUT", rf"^/api/v1/statuses/{status.id}$")
    assert "Drei neue Bänke." in edit.form()["status"][0]
    assert edit.form()["media_ids[]"] == [media.id]
    assert "Drei neue Bänke." in status.text
    assert status.media == [media]
    assert status.edited_at is not None
    assert len(fake.calls("POST", r"/media$")) == 1  # the image is not uploaded again
    assert _delivery(connected_account, "update").status == "published"


def test_a_correction_edits_every_part_of_a_thread(connected_account, fake, publish_post, change):
    post = publish_post(title="Lindenallee", body=SENTENCE * 15)
    parts = fake.posted()

    change(lifecycle.correct, post, note="Datum", body=SENTENCE.replace("Montag", "Dienstag") * 15)

    assert len(fake.calls("PUT", r"^/api/v1/statuses/\d+$")) == len(parts)
    assert "Dienstag" in parts[0].text
    assert "Montag" not in "".join(p.text for p in parts)
    assert _delivery(connected_account, "update").status == "published"


def test_a_longer_correction_continues_the_thread_and_withdrawal_finds_every_part(
    connected_account, fake, publish_post, change
):
    post = publish_post(title="Lindenallee", body=SENTENCE * 3)
    [first] = fake.posted()

    change(lifecycle.correct, post, note="Ergänzt", body=SENTENCE * 15)

    thread = fake.posted()
    assert len(thread) > 1 and thread[0].id == first.id
    assert [p.in_reply_to_id for p in thread[1:]] == [p.id for p in thread[:-1]]
    publication = _delivery(connected_account, "publish")
    assert [p["id"] for p in publication.remote_parts] == [p.id for p in thread]
    assert _delivery(connected_account, "update").status == "published"

    change(lifecycle.withdraw, post, reason="Veraltet")
    assert fake.posted() == []


def test_a_shorter_correction_deletes_the_parts_left_over(
    connected_account, fake, publish_post, change
):
    post = publish_post(title="Lindenallee", body=SENTENCE * 15)
    assert len(fake.posted()) > 1

    change(lifecycle.correct, post, note="Gekürzt", body="Die Sanierung beginnt am Dienstag.")

    [left] = fake.posted()
    assert "Dienstag" in left.text
    assert len(_delivery(connected_account, "publish").remote_parts) == 1
    assert _delivery(connected_account, "update").status == "published"


def test_withdrawing_deletes_every_part_of_the_thread(
    connected_account, fake, publish_post, change
):
    post = publish_post(title="Lindenallee", body=SENTENCE * 15)
    parts = fake.posted()

    change(lifecycle.withdraw, post, reason="Falsche Angaben")

    deleted = [r.path.rsplit("/", 1)[-1] for r in fake.calls("DELETE", r"^/api/v1/statuses/")]
    assert deleted == [p.id for p in reversed(parts)]
    assert fake.posted() == []
    assert _delivery(connected_account, "withdraw").status == "published"


def test_a_status_deleted_by_hand_counts_as_withdrawn(
    connected_account, fake, publish_post, change
):
    post = publish_post(title="Baum", body="Zwei Linden werden gefällt.")
    [status] = fake.posted()
    status.deleted = True  # someone deleted it in Mastodon's web interface

    change(lifecycle.withdraw, post, reason="Erledigt")

    assert _delivery(connected_account, "withdraw").status == "published"


def test_correcting_a_status_deleted_by_hand_fails_with_a_clear_reason(
    connected_account, fake, publish_post, change
):
    post = publish_post(title="Baum", body="Zwei Linden werden gefällt.")
    [status] = fake.posted()
    status.deleted = True

    change(lifecycle.correct, post, note="Tippfehler", body="Zwei Linden werden bald gefällt.")

    delivery = _delivery(connected_account, "update")
    assert delivery.status == "failed"
    assert "no longer there" in delivery.last_error
