"""Facebook: a corrected post is edited on the page (pages may edit their posts), a
withdrawn one deleted; a post that is gone already (deleted by hand) counts as deleted."""

import pytest

from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle


@pytest.fixture
def post(connected_account, publish_post):
    return publish_post(title="Baumfällung", body="Am Montag werden zwei Linden gefällt.")


def test_a_correction_edits_the_post(
    graph, connected_account, post, approver, django_capture_on_commit_callbacks
):
    post_id = Delivery.objects.get(channel=connected_account.channel_key).remote_id

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(
            post, by=approver, note="Tag korrigiert", body="Am Dienstag werden zwei Linden gefällt."
        )

    [call] = graph.calls("POST", rf"^/v21\.0/{post_id}$")
    assert "Am Dienstag werden zwei Linden gefällt." in call.form()["message"][0]
    assert "Am Dienstag" in graph.posts[post_id]["message"]
    update = Delivery.objects.get(channel=connected_account.channel_key, action="update")
    assert update.status == "published"
    assert update.remote_id == post_id


def test_withdrawing_deletes_the_post(
    graph, connected_account, post, approver, django_capture_on_commit_callbacks
):
    post_id = Delivery.objects.get(channel=connected_account.channel_key).remote_id

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Termin entfällt")

    assert graph.calls("DELETE", rf"^/v21\.0/{post_id}$")
    assert graph.posts == {}
    withdrawal = Delivery.objects.get(channel=connected_account.channel_key, action="withdraw")
    assert withdrawal.status == "published"


def test_a_post_deleted_by_hand_counts_as_withdrawn(
    graph, connected_account, post, approver, django_capture_on_commit_callbacks
):
    graph.posts.clear()

    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(post, by=approver, reason="Termin entfällt")

    withdrawal = Delivery.objects.get(channel=connected_account.channel_key, action="withdraw")
    assert withdrawal.status == "published"
