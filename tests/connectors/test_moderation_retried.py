"""A moderation step a platform could not take now is tried again: the connectors raised
nothing (a 503 from Meta was only logged), so the inbox's durable moderation job saw
success and the comment stayed visible on the page. A refusal is still only logged."""

import time_machine

from rathaus.inbox import work
from rathaus.jobs import runner
from rathaus.jobs.models import Job
from tests.fakes.graph import FakeGraph, comment_in_inbox
from tests.fakes.server import serving

graph = serving(FakeGraph)


def test_a_comment_meta_could_not_hide_now_is_hidden_later(
    graph, connect_account, publish_post, agent, django_capture_on_commit_callbacks
):
    comment = comment_in_inbox(graph, graph.connect(connect_account), publish_post)
    graph.error_next(2, "Service temporarily unavailable", status=503)

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "hide", reason="Regel 2: Beleidigung", by=agent)

    assert graph.comments[comment.remote_id]["hidden"] is False
    job = Job.objects.get(kind="inbox.moderate")
    assert job.status == "queued" and "temporarily unavailable" in job.last_error

    with time_machine.travel(job.next_attempt_at, tick=False):
        runner.tick()

    assert graph.comments[comment.remote_id]["hidden"] is True
    assert not Job.objects.filter(kind="inbox.moderate").exists()


def test_a_refusal_is_not_tried_again(
    graph, connect_account, publish_post, agent, django_capture_on_commit_callbacks
):
    comment = comment_in_inbox(graph, graph.connect(connect_account), publish_post)
    graph.error_next(100, "(#100) Cannot hide this comment")

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "hide", reason="Regel 2: Beleidigung", by=agent)

    comment.refresh_from_db()
    assert comment.hidden_at is not None  # the inbox's decision stands
    assert graph.comments[comment.remote_id]["hidden"] is False
    assert not Job.objects.filter(kind="inbox.moderate", status="queued").exists()
