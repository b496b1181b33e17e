"""Scheduled publishing, in the office's time zone, across the daylight-saving nights."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from rathaus.delivery.models import Delivery
from rathaus.jobs.models import Job
from rathaus.offices import local_time
from rathaus.offices.models import Role
from rathaus.posts import lifecycle, scheduling
from rathaus.posts.models import Post

pytestmark = pytest.mark.usefixtures("english_messages")

BERLIN = ZoneInfo("Europe/Berlin")


def test_march_night_skipped_hour_is_refused():
    with pytest.raises(local_time.NonexistentTime, match="skip"):
        local_time.local_to_utc(datetime(2026, 3, 29, 2, 30), BERLIN)


def test_march_night_times_around_the_gap_are_exact():
    assert local_time.local_to_utc(datetime(2026, 3, 29, 1, 59), BERLIN) == datetime(
        2026, 3, 29, 0, 59, tzinfo=UTC
    )
    assert local_time.local_to_utc(datetime(2026, 3, 29, 3, 0), BERLIN) == datetime(
        2026, 3, 29, 1, 0, tzinfo=UTC
    )


def test_october_night_repeated_hour_takes_the_earlier_instant():
    local = datetime(2026, 10, 25, 2, 30)
    assert local_time.is_ambiguous(local, BERLIN)
    assert local_time.local_to_utc(local, BERLIN) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert not local_time.is_ambiguous(datetime(2026, 10, 25, 3, 30), BERLIN)


def _approved(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    return lifecycle.approve(draft, by=approver)


@pytest.mark.parametrize(
    ("local", "utc"),
    [
        (datetime(2026, 3, 29, 3, 15), datetime(2026, 3, 29, 1, 15, tzinfo=UTC)),
        (datetime(2026, 10, 25, 2, 15), datetime(2026, 10, 25, 0, 15, tzinfo=UTC)),
        (datetime(2026, 10, 25, 3, 15), datetime(2026, 10, 25, 2, 15, tzinfo=UTC)),
    ],
)
def test_a_post_scheduled_in_a_switch_night_goes_out_at_the_right_instant(
    draft, editor, approver, local, utc, django_capture_on_commit_callbacks
):
    with time_machine.travel(utc - timedelta(days=1), tick=False):
        _approved(draft, editor, approver)
        lifecycle.schedule(draft, by=approver, at=local_time.local_to_utc(local, BERLIN))
    assert draft.status == Post.Status.SCHEDULED
    with time_machine.travel(utc - timedelta(seconds=1), tick=False):
        assert scheduling.publish_due() == 0
    with time_machine.travel(utc, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert scheduling.publish_due() == 1
    draft.refresh_from_db()
    assert draft.status == Post.Status.PUBLISHED and draft.published_at == utc
    assert Delivery.objects.get(post=draft).status == Delivery.Status.PUBLISHED


def test_approval_of_a_post_with_a_future_time_schedules_it(draft, editor, approver):
    lifecycle.edit(draft, by=editor, publish_at=datetime(2030, 1, 5, 8, tzinfo=UTC))
    _approved(draft, editor, approver)
    assert draft.status == Post.Status.SCHEDULED


def test_it_refuses_a_time_in_the_past(draft, editor, approver):
    _approved(draft, editor, approver)
    with pytest.raises(lifecycle.LifecycleError, match="future"):
        lifecycle.schedule(draft, by=approver, at=datetime(2020, 1, 1, tzinfo=UTC))


def test_an_unscheduled_post_is_not_published(draft, editor, approver):
    _approved(draft, editor, approver)
    at = datetime.now(UTC) + timedelta(hours=1)
    lifecycle.schedule(draft, by=approver, at=at)
    lifecycle.unschedule(draft, by=approver)
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert scheduling.publish_due() == 0
    assert draft.status == Post.Status.APPROVED


def test_an_edit_after_scheduling_stops_the_schedule(draft, editor, approver):
    _approved(draft, editor, approver)
    at = datetime.now(UTC) + timedelta(hours=1)
    lifecycle.schedule(draft, by=approver, at=at)
    lifecycle.edit(draft, by=editor, body="Neuer Text")
    with time_machine.travel(at + timedelta(minutes=1), tick=False):
        assert scheduling.publish_due() == 0
    draft.refresh_from_db()
    assert draft.status == Post.Status.IN_REVIEW


def _publication_jobs(post) -> int:
    return Job.objects.filter(kind=scheduling.KIND, key=str(post.pk)).count()


@pytest.mark.parametrize(
    "leave",
    [
        lambda post, editor, approver: lifecycle.unschedule(post, by=approver),
        lambda post, editor, approver: lifecycle.send_back(post, by=approver, reason="Später"),
        lambda post, editor, approver: lifecycle.publish(post, by=approver),
        lambda post, editor, approver: lifecycle.edit(post, by=editor, body="Neuer Text"),
    ],
    ids=["unscheduled", "sent back", "published by hand", "changed"],
)
def test_a_post_that_leaves_the_schedule_leaves_no_job_behind(draft, editor, approver, leave):
    _approved(draft, editor, approver)
    lifecycle.schedule(draft, by=approver, at=datetime.now(UTC) + timedelta(hours=1))
    assert _publication_jobs(draft) == 1
    leave(draft, editor, approver)
    assert _publication_jobs(draft) == 0


def test_moving_a_scheduled_post_keeps_its_one_job(draft, editor, approver):
    _approved(draft, editor, approver)
    lifecycle.schedule(draft, by=approver, at=datetime.now(UTC) + timedelta(hours=1))
    lifecycle.schedule(draft, by=approver, at=datetime.now(UTC) + timedelta(hours=2))
    assert _publication_jobs(draft) == 1


def test_an_editor_cannot_move_a_scheduled_post(draft, editor, approver):
    _approved(draft, editor, approver)
    lifecycle.schedule(draft, by=approver, at=datetime.now(UTC) + timedelta(hours=1))
    with pytest.raises(lifecycle.LifecycleError, match="role"):
        lifecycle.edit(draft, by=editor, publish_at=datetime.now(UTC) + timedelta(minutes=5))


def test_an_approver_can_move_a_scheduled_post_and_it_goes_out_then(draft, editor, approver):
    _approved(draft, editor, approver)
    lifecycle.schedule(draft, by=approver, at=datetime.now(UTC) + timedelta(hours=3))
    earlier = datetime.now(UTC) + timedelta(hours=1)
    lifecycle.edit(draft, by=approver, publish_at=earlier)
    assert draft.status == Post.Status.SCHEDULED
    with time_machine.travel(earlier + timedelta(seconds=1), tick=False):
        assert scheduling.publish_due() == 1


def test_a_scheduled_post_changed_behind_the_verbs_goes_back_to_review(draft, editor, approver):
    from rathaus.audit.models import AuditEntry

    _approved(draft, editor, approver)
    at = datetime.now(UTC) + timedelta(hours=1)
    lifecycle.schedule(draft, by=approver, at=at)
    type(draft).objects.filter(pk=draft.pk).update(body="Nicht freigegebener Text")
    with time_machine.travel(at + timedelta(seconds=1), tick=False):
        assert scheduling.publish_due() == 0
    draft.refresh_from_db()
    assert draft.status == Post.Status.IN_REVIEW and draft.approved_hash == ""
    assert AuditEntry.objects.get(subject_id=draft.pk, action="returned_to_review").flagged
    assert not Delivery.objects.filter(post=draft).exists()


def test_more_posts_than_one_batch_all_go_out_once(
    office, editor, approver, django_capture_on_commit_callbacks
):
    at = datetime.now(UTC) + timedelta(hours=1)
    count = scheduling.DUE_BATCH + 7
    for n in range(count):
        post = lifecycle.create_draft(
            office, by=editor, title=f"Meldung {n}", body="Text", publish_at=at
        )
        lifecycle.submit(post, by=editor)
        lifecycle.approve(post, by=approver)
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert scheduling.publish_due() == count
        assert scheduling.publish_due() == 0
    assert Delivery.objects.filter(status=Delivery.Status.PUBLISHED).count() == count
    office.refresh_from_db()
    assert office.content_version >= 1


def test_posts_scheduled_before_the_upgrade_get_their_job(draft, editor, approver):
    """The data migration: the clock no longer searches posts, so each scheduled post must
    have its job, due at its time."""
    import importlib

    from django.apps import apps

    from rathaus.jobs.models import Job

    migration = importlib.import_module(
        "rathaus.posts.migrations.0004_scheduled_posts_on_the_job_engine"
    )
    _approved(draft, editor, approver)
    at = datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1)
    lifecycle.schedule(draft, by=approver, at=at)
    Job.objects.filter(kind=scheduling.KIND).delete()  # as before the upgrade

    migration.forwards(apps, None)

    job = Job.objects.get(kind=scheduling.KIND)
    assert (job.key, job.next_attempt_at, job.status) == (str(draft.pk), at, "queued")
    with time_machine.travel(at, tick=False):
        assert scheduling.publish_due() == 1


def test_a_post_published_at_its_time_tells_author_and_last_editor_after_the_commit(
    office, draft, editor, approver, django_capture_on_commit_callbacks
):
    from rathaus.notifications.models import Notification
    from tests.helpers import make_user

    last_editor = make_user("ella.editor", office, Role.EDITOR)
    last_editor.email = "ella@mitte.example"
    last_editor.save()
    lifecycle.edit(draft, by=last_editor, title="Baumfällung Lindenallee")
    _approved(draft, last_editor, approver)
    at = datetime.now(UTC) + timedelta(hours=1)
    lifecycle.schedule(draft, by=approver, at=at)
    Notification.objects.all().delete()  # what the steps before told, and their mails
    Job.objects.filter(kind="notifications.mail").delete()
    with time_machine.travel(at, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert scheduling.publish_due() == 1
        assert not Notification.objects.exists()  # nothing before the batch is committed
        for callback in callbacks:
            callback()
    told = Notification.objects.filter(kind=Notification.Kind.PUBLISHED)
    assert sorted(told.values_list("user__username", flat=True)) == [
        "ella.editor",
        "erika.editor",
    ]
    assert all("Baumfällung Lindenallee" in n.text for n in told)
    assert {n.url for n in told} == {f"/desk/{office.slug}/beitraege/{draft.pk}/"}
    # Mail is queued as jobs for the one with an address, not sent inside the batch.
    assert Job.objects.filter(kind="notifications.mail").count() == 1
