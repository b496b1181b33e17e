"""Facebook: hiding, showing again and deleting a comment in the inbox does the same on
the page. When Meta refuses, the inbox keeps the decision and the comment stays as it was
on Facebook; reporting has no API and calls nothing."""

from rathaus.inbox import work


def test_hiding_and_showing_again(graph, comment, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "hide", reason="Regel 2: Beleidigung", by=agent)
    assert graph.comments[comment.remote_id]["hidden"] is True

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "unhide", reason="", by=agent)
    assert graph.comments[comment.remote_id]["hidden"] is False

    first, second = graph.calls("POST", rf"^/v21\.0/{comment.remote_id}$")
    assert (first.form()["is_hidden"], second.form()["is_hidden"]) == (["true"], ["false"])


def test_deleting_deletes_it_on_facebook(graph, comment, agent, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "delete", reason="Regel 2: Beleidigung", by=agent)

    assert comment.remote_id not in graph.comments
    assert graph.calls("DELETE", rf"^/v21\.0/{comment.remote_id}$")


def test_a_refusal_keeps_the_inbox_decision(
    graph, comment, agent, django_capture_on_commit_callbacks
):
    graph.error_next(100, "(#100) Cannot hide this comment")

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "hide", reason="Regel 2: Beleidigung", by=agent)

    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert graph.comments[comment.remote_id]["hidden"] is False


def test_reporting_calls_nothing(graph, comment, agent, django_capture_on_commit_callbacks):
    before = len(graph.requests)

    with django_capture_on_commit_callbacks(execute=True):
        work.moderate(comment, "report", reason="Regel 5: Spam", by=agent)

    assert len(graph.requests) == before
