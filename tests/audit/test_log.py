"""Every transition is in the audit log: who, when, what, text before and after."""

import contextlib

from rathaus.audit.log import history
from rathaus.posts import lifecycle, scheduling


def test_an_edit_records_the_text_before_and_after(draft, editor):
    lifecycle.edit(draft, by=editor, body="Am **Dienstag** werden zwei Linden gefällt.")
    entry = history(draft).first()
    assert entry.action == "edited" and entry.actor == editor
    assert entry.before["body"] == "Am **Montag** werden zwei kranke Linden gefällt."
    assert entry.after["body"] == "Am **Dienstag** werden zwei Linden gefällt."


def test_a_status_change_records_the_step_and_the_actor(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    approved = history(draft).first()
    assert approved.action == "approved" and approved.actor == approver
    assert approved.before == {"status": "in_review"} and approved.after == {"status": "approved"}


def test_an_edit_after_approval_is_recorded_as_a_return_to_review(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    lifecycle.edit(draft, by=editor, title="Neuer Titel")
    actions = [entry.action for entry in history(draft)[:2]]
    assert set(actions) == {"edited", "returned_to_review"}


def test_the_scheduler_is_recorded_as_the_system(draft, editor, approver):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    at = timezone.now() + timedelta(hours=2)
    lifecycle.schedule(draft, by=approver, at=at)
    with time_machine.travel(at, tick=False):
        scheduling.publish_due()
    entry = history(draft).first()
    assert entry.action == "published" and entry.actor is None


def test_a_refused_step_leaves_no_entry(draft, editor):
    count = history(draft).count()
    with contextlib.suppress(lifecycle.LifecycleError):
        lifecycle.approve(draft, by=editor)
    assert history(draft).count() == count
