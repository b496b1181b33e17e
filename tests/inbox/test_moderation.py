"""Moderating public comments: hide, show again, delete or report, each with the
netiquette rule it broke, each in the audit log."""

import pytest

from rathaus.audit.models import AuditEntry
from rathaus.inbox import inbound, work
from rathaus.offices.access import LifecycleError
from tests.helpers import ask


@pytest.fixture
def comment(office):
    return ask(
        office,
        "<p>Beleidigung</p>",
        channel="fediverse",
        remote_id="https://social.example/statuses/1",
        is_public=True,
    )


def test_hide_and_unhide_are_logged_with_the_reason(comment, agent):
    work.moderate(comment, "hide", reason="Beleidigung (Netiquette Nr. 2)", by=agent)
    comment.refresh_from_db()
    assert comment.hidden_at is not None
    assert comment.moderation_reason == "Beleidigung (Netiquette Nr. 2)"
    work.moderate(comment, "unhide", reason="", by=agent)
    comment.refresh_from_db()
    assert comment.hidden_at is None
    actions = list(AuditEntry.objects.values_list("action", flat=True).order_by("pk"))
    assert actions == ["comment_hide", "comment_unhide"]


def test_delete_removes_the_text_but_keeps_the_record(comment, agent):
    work.moderate(comment, "delete", reason="Spam", by=agent)
    comment.refresh_from_db()
    assert comment.text_html == "" and comment.removed_at is not None
    entry = AuditEntry.objects.get(action="comment_delete")
    assert entry.message == "Spam"
    assert "Beleidigung" not in str(entry.before) + str(entry.after)


def test_a_reason_is_required(comment, agent):
    with pytest.raises(LifecycleError):
        work.moderate(comment, "hide", reason=" ", by=agent)


def test_an_outsider_cannot_moderate(comment, outsider):
    with pytest.raises(LifecycleError):
        work.moderate(comment, "hide", reason="x", by=outsider)
    comment.refresh_from_db()
    assert comment.hidden_at is None


def test_a_report_of_a_fediverse_comment_goes_to_the_authors_server(
    office, account, citizen, agent, django_capture_on_commit_callbacks
):
    from rathaus.federation.models import Activity, Outgoing

    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel="fediverse",
            remote_id=f"{citizen.uri}/statuses/7",
            text_html="<p>Hetze</p>",
            author_url=citizen.uri,
            is_public=True,
        )
    )
    with django_capture_on_commit_callbacks(execute=True):  # the report goes out after the commit
        work.moderate(message, "report", reason="Volksverhetzung (Netiquette Nr. 1)", by=agent)
    flag = Activity.objects.get(kind="Flag").body
    assert flag["object"] == [citizen.uri, f"{citizen.uri}/statuses/7"]
    assert flag["content"] == "Volksverhetzung (Netiquette Nr. 1)"
    assert list(Outgoing.objects.values_list("inbox", flat=True)) == [citizen.shared_inbox]
