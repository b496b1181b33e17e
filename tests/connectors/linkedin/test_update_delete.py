"""A correction changes the LinkedIn post's text in place (PARTIAL_UPDATE of commentary);
withdrawing the post deletes it on LinkedIn."""

import json
from urllib.parse import quote

from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle


def test_a_correction_updates_the_commentary(
    fake, connected_account, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Baustelle", body="Die Baustelle endet am Montag.")
    [created] = fake.live_posts()

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(
            post,
            by=approver,
            note="Datum korrigiert",
            body="Die Baustelle endet am Dienstag (spät).",
        )

    update = Delivery.objects.get(post=post, channel=connected_account.channel_key, action="update")
    [call] = fake.calls("POST", r"^/rest/posts/")
    assert update.status == Delivery.Status.PUBLISHED
    assert call.path == f"/rest/posts/{quote(created['id'], safe='')}"
    assert call.headers["x-restli-method"] == "PARTIAL_UPDATE"
    assert list(json.loads(call.body)) == ["patch"]
    assert "Dienstag \\(spät\\)" in created["commentary"]
    assert "Die Baustelle endet am Dienstag (spät)." in created["text"]
    assert len(fake.live_posts()) == 1


def test_withdrawing_deletes_the_post(
    fake, connected_account, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Baustelle", body="Die Baustelle beginnt.")
    [created] = fake.live_posts()

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Falsche Straße")

    withdrawal = Delivery.objects.get(
        post=post, channel=connected_account.channel_key, action="withdraw"
    )
    [call] = fake.calls("DELETE", r"^/rest/posts/")
    assert withdrawal.status == Delivery.Status.PUBLISHED
    assert call.path == f"/rest/posts/{quote(created['id'], safe='')}"
    assert call.headers["x-restli-method"] == "DELETE"
    assert fake.live_posts() == []


def test_withdrawing_a_post_removed_on_linkedin_by_hand_succeeds(
    fake, connected_account, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Baustelle", body="Die Baustelle ruht.")
    [created] = fake.live_posts()
    created["lifecycleState"] = "DELETED"

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Erledigt")

    withdrawal = Delivery.objects.get(
        post=post, channel=connected_account.channel_key, action="withdraw"
    )
    assert withdrawal.status == Delivery.Status.PUBLISHED
