"""The path of a post from draft to withdrawal, and the steps that are refused on the way."""

import pytest

from rathaus.audit.log import history
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from rathaus.posts.models import Post

pytestmark = pytest.mark.usefixtures("english_messages")


def test_it_walks_the_whole_path(draft, editor, approver, django_capture_on_commit_callbacks):
    assert draft.status == Post.Status.DRAFT
    lifecycle.submit(draft, by=editor)
    assert draft.status == Post.Status.IN_REVIEW
    lifecycle.approve(draft, by=approver)
    assert draft.status == Post.Status.APPROVED
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(draft, by=approver)
    assert draft.status == Post.Status.PUBLISHED and draft.published_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.correct(draft, by=approver, note="Datum korrigiert", body="Am Dienstag.")
    assert draft.status == Post.Status.CORRECTED and draft.correction_note == "Datum korrigiert"
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.withdraw(draft, by=approver, reason="Termin abgesagt")
    assert draft.status == Post.Status.WITHDRAWN
    actions = [entry.action for entry in history(draft)][::-1]
    assert actions == ["created", "submitted", "approved", "published", "corrected", "withdrawn"]


def test_it_refuses_to_publish_a_draft(draft, approver):
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.publish(draft, by=approver)
    draft.refresh_from_db()
    assert draft.status == Post.Status.DRAFT
    assert not Delivery.objects.exists()


def test_it_refuses_to_publish_twice(published, approver):
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.publish(published, by=approver)
    assert Delivery.objects.filter(post=published).count() == 1


def test_it_refuses_editing_a_published_post(published, editor):
    with pytest.raises(lifecycle.LifecycleError, match="corrected or withdrawn"):
        lifecycle.edit(published, by=editor, title="Neu")


def test_a_sent_back_post_is_a_draft_again(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.send_back(draft, by=approver, reason="Bitte Ort ergänzen")
    assert draft.status == Post.Status.DRAFT
    assert history(draft).first().message == "Bitte Ort ergänzen"


def test_an_editor_cannot_approve_publish_or_withdraw(draft, editor, office):
    from rathaus.offices.models import Membership, Role

    other_editor = type(editor).objects.create_user("eva.editor")
    Membership.objects.create(user=other_editor, office=office, role=Role.EDITOR)
    lifecycle.submit(draft, by=editor)
    for step in (lifecycle.approve, lifecycle.publish):
        with pytest.raises(lifecycle.LifecycleError, match="role"):
            step(draft, by=other_editor)


def test_an_agent_cannot_write_posts(office, agent):
    with pytest.raises(lifecycle.LifecycleError, match="role"):
        lifecycle.create_draft(office, by=agent, title="x", body="y")


def test_a_member_of_another_office_cannot_touch_the_post(draft, outsider):
    for step in (lifecycle.submit, lifecycle.approve, lifecycle.publish):
        with pytest.raises(lifecycle.LifecycleError, match="role"):
            step(draft, by=outsider)
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.edit(draft, by=outsider, title="Übernommen")
    draft.refresh_from_db()
    assert draft.title == "Baumfällung in der Lindenallee"


def test_it_rejects_an_event_that_ends_before_it_starts(office, editor):
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    start = datetime(2026, 12, 1, 18, tzinfo=ZoneInfo("Europe/Berlin"))
    with pytest.raises(lifecycle.LifecycleError, match="end before"):
        lifecycle.create_draft(
            office,
            by=editor,
            title="Sitzung",
            body="x",
            event_start=start,
            event_end=start - timedelta(hours=1),
        )


def test_withdrawal_needs_a_reason(published, approver):
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.withdraw(published, by=approver, reason="  ")
    published.refresh_from_db()
    assert published.status == Post.Status.PUBLISHED
