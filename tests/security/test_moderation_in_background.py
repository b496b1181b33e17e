"""Moderating a comment waits on no platform inside the web request (issue 10, the class of
item 18): the inbox keeps the decision at once, and the platform step runs in the
background after the commit, following the comment's state then, not the order in which
the tasks happen to run."""

import time

import pytest
from django.urls import reverse

from rathaus.connectors.platforms import _graph
from rathaus.delivery import channels
from rathaus.inbox import background, work
from rathaus.inbox.models import Message
from rathaus.jobs import engine, runner
from rathaus.offices.models import Role
from tests.fakes.graph import FakeGraph, comment_in_inbox
from tests.fakes.server import serving
from tests.helpers import log_in, make_user
from tests.loopback import was_contacted

pytestmark = pytest.mark.usefixtures("loopback_platforms")

graph = serving(FakeGraph)

# What the desk may take to answer a moderation: far below any client's time-out.
QUICK = 0.5


@pytest.fixture
def connected_account(graph, connect_account):
    return graph.connect(connect_account)


@pytest.fixture
def comment(graph, connected_account, publish_post):
    return comment_in_inbox(graph, connected_account, publish_post)


def _moderate(client, user, message, action, reason=""):
    log_in(client, user)
    conversation = message.conversation
    url = reverse("desk:conversation_moderate", args=[conversation.office.slug, conversation.pk])
    data = {"message": message.pk, f"m{message.pk}-action": action, f"m{message.pk}-reason": reason}
    return client.post(url, data)


def _hides(graph, message) -> list[str]:
    return [
        c.form()["is_hidden"][0] for c in graph.calls("POST", rf"^/v21\.0/{message.remote_id}$")
    ]


def test_the_desk_answers_at_once_while_the_platform_is_silent(
    client,
    agent,
    connected_account,
    comment,
    silent_server,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    port = silent_server.getsockname()[1]
    connected_account.api_base = f"http://127.0.0.1:{port}"
    connected_account.save(update_fields=["api_base"])
    # Were the platform still called in the request, it would hang this long, not 30 s.
    monkeypatch.setattr(_graph, "TIMEOUT", 3.0)

    with django_capture_on_commit_callbacks(execute=False) as woken:
        started = time.monotonic()
        response = _moderate(client, agent, comment, "hide", "Regel 2: Beleidigung")
        took = time.monotonic() - started

    assert response.status_code == 302
    assert took < QUICK, took
    assert not was_contacted(silent_server)
    comment.refresh_from_db()
    assert comment.hidden_at is not None  # the inbox's decision stands at once
    assert len(woken) == 1  # the platform step waits for the commit, and the worker


def test_the_platform_hears_of_it_only_after_the_commit(
    client, agent, comment, graph, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as woken:
        assert _moderate(client, agent, comment, "hide", "Regel 2").status_code == 302
    assert _hides(graph, comment) == []
    assert graph.comments[comment.remote_id]["hidden"] is False

    for wake in woken:  # the commit; the tests' task queue runs tasks at once
        wake()

    assert _hides(graph, comment) == ["true"]
    assert graph.comments[comment.remote_id]["hidden"] is True


def test_hide_then_show_again_run_in_reverse_order_leave_the_comment_visible(
    agent, comment, graph, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as woken:
        work.moderate(comment, "hide", reason="Regel 2", by=agent)
        work.moderate(comment, "unhide", reason="", by=agent)
    hide, unhide = woken

    unhide()
    hide()  # late: the comment is visible in the inbox by now, so it stays visible

    assert _hides(graph, comment) == ["false", "false"]
    assert graph.comments[comment.remote_id]["hidden"] is False


def test_a_late_step_after_a_deletion_deletes(agent, comment, graph):
    work.moderate(comment, "delete", reason="Regel 2", by=agent)  # its wake-up not run

    assert background.moderate_on_channel(comment.pk, "unhide") == "delete"

    assert _hides(graph, comment) == []
    assert comment.remote_id not in graph.comments


def test_a_task_for_a_message_erased_meanwhile_does_nothing(agent, comment, graph):
    before = len(graph.requests)
    pk = comment.pk
    comment.delete()

    assert background.moderate_on_channel(pk, "hide") is None
    assert len(graph.requests) == before


def test_an_unexpected_error_in_the_task_is_logged_with_its_traceback(comment, monkeypatch, caplog):
    class Broken:
        def moderate(self, message, action):
            raise RuntimeError("a bug in a connector")

    monkeypatch.setattr(channels, "get", lambda key: Broken())

    job = engine.enqueue(background.MODERATE, None, {"message": comment.pk, "action": "hide"})
    with caplog.at_level("ERROR", logger="rathaus.inbox.background"):
        [outcome] = runner.run(background.MODERATE, ids=[job.pk])
    assert outcome.result is None

    [record] = [r for r in caplog.records if r.name == "rathaus.inbox.background"]
    assert record.exc_info and record.exc_info[0] is RuntimeError
    assert str(comment.pk) in record.getMessage()
    job.refresh_from_db()  # kept, and tried again later by the policy
    assert (job.status, job.last_error) == ("queued", "RuntimeError: a bug in a connector")


def test_a_report_goes_out_with_its_own_reason(agent, comment, monkeypatch):
    sent = []

    class Recording:
        def moderate(self, message, action):
            sent.append((action, message.moderation_reason))

    monkeypatch.setattr(channels, "get", lambda key: Recording())
    # A later step replaced the stored reason before the worker got to the report.
    Message.objects.filter(pk=comment.pk).update(moderation_reason="")

    background.moderate_on_channel(comment.pk, "report", "Regel 5: Spam")

    assert sent == [("report", "Regel 5: Spam")]


def test_another_offices_agent_cannot_moderate(
    client, other_office, comment, graph, django_capture_on_commit_callbacks
):
    stranger = make_user("nils.nord", other_office, Role.AGENT)
    with django_capture_on_commit_callbacks(execute=True) as woken:
        response = _moderate(client, stranger, comment, "delete", "weg")

    assert response.status_code == 404
    assert woken == []
    comment.refresh_from_db()
    assert comment.removed_at is None and comment.text_html
    assert comment.remote_id in graph.comments


def test_a_step_the_platform_could_not_take_now_is_kept_and_tried_again(
    agent, comment, monkeypatch, django_capture_on_commit_callbacks
):
    """Durable: a platform that is down does not lose the step (it was one attempt, then
    nothing, when the step was a fire-and-forget task)."""
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from rathaus.jobs.models import Job

    answers = [channels.TemporaryError("503", retry_after=120), None]
    sent = []

    class Flaky:
        def moderate(self, message, action):
            answer = answers.pop(0)
            if answer is not None:
                raise answer
            sent.append(action)

    monkeypatch.setattr(channels, "get", lambda key: Flaky())
    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "hide", reason="Regel 2", by=agent)
    assert sent == []
    job = Job.objects.get(kind="inbox.moderate")
    assert (job.status, job.last_error, job.attempts) == ("queued", "503", 1)
    assert job.next_attempt_at >= timezone.now() + timedelta(seconds=119)

    with time_machine.travel(job.next_attempt_at, tick=False):
        runner.tick()
    assert sent == ["hide"]
    assert not Job.objects.filter(kind="inbox.moderate").exists()  # done, not kept
