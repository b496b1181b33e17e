"""Instagram: hiding, showing again and deleting a comment in the inbox does the same on
Instagram; when Meta refuses, the inbox keeps the decision."""

import time

import pytest

from rathaus.connectors import fetching
from rathaus.delivery.models import Delivery
from rathaus.inbox import work
from rathaus.inbox.models import Message


@pytest.fixture
def comment(graph, connected_account, publish_photo_post):
    publish_photo_post()
    media_id = Delivery.objects.get(channel=connected_account.channel_key).remote_id
    comment_id = graph.ig_comment(media_id, "Kauft Follower bei …", at=time.time() - 10)
    fetching.fetch(connected_account)
    return Message.objects.get(remote_id=comment_id)


def test_hiding_and_showing_again(graph, comment, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "hide", reason="Regel 5: Werbung", by=agent)
    assert graph.comments[comment.remote_id]["hidden"] is True

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "unhide", reason="", by=agent)
    assert graph.comments[comment.remote_id]["hidden"] is False

    first, second = graph.calls("POST", rf"^/v21\.0/{comment.remote_id}$")
    assert (first.form()["hide"], second.form()["hide"]) == (["true"], ["false"])


def test_deleting_deletes_it_on_instagram(
    graph, comment, agent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "delete", reason="Regel 5: Werbung", by=agent)

    assert comment.remote_id not in graph.comments


def test_a_refusal_keeps_the_inbox_decision(
    graph, comment, agent, django_capture_on_commit_callbacks
):
    graph.fail_next(503)

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "hide", reason="Regel 5: Werbung", by=agent)

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert graph.comments[comment.remote_id]["hidden"] is False
