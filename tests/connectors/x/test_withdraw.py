"""X lets an account delete its posts through the API (DELETE /2/tweets/:id) but not edit
them: a withdrawn post is deleted on X, every part of its thread; a correction sends X
nothing (X shows the original until it is withdrawn)."""

from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle

LONG = " ".join(f"Satz {n}: Die Lindenallee wird gesperrt, auch für Räder." for n in range(12))


def test_withdrawing_deletes_every_part_of_the_thread(
    connected_account, fake, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Sperrung", body=LONG)
    parts = [t["id"] for t in fake.posts_of("1")]
    assert len(parts) >= 3

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Die Sperrung entfällt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key, action="withdraw")
    assert delivery.status == "published"
    assert fake.posts_of("1") == []
    deleted = [r.path.rsplit("/", 1)[-1] for r in fake.calls("DELETE", r"^/2/tweets/")]
    assert deleted == parts[::-1]  # the replies first, the thread's start last


def test_a_post_deleted_on_x_already_is_withdrawn_without_error(
    connected_account, fake, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")
    fake.tweets.clear()  # someone deleted it in X's app

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Falsches Datum.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key, action="withdraw")
    assert delivery.status == "published"
    assert len(fake.calls("DELETE", r"^/2/tweets/")) == 1


def test_a_correction_sends_nothing_to_x(
    connected_account, fake, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")
    before = len(fake.requests)

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(post, by=approver, note="Uhrzeit ergänzt.", body="Heute ab 14 Uhr.")

    assert not Delivery.objects.filter(
        channel=connected_account.channel_key, action="update"
    ).exists()
    assert len(fake.requests) == before
    assert len(fake.posts_of("1")) == 1
