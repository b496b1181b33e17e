"""Telling authors that their scheduled posts went out: one job per published batch
(``posts.tell_published``), handled apart from the publishing worker, a few statements per
office however many posts the batch holds."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rathaus.jobs import runner
from rathaus.jobs.models import Job
from rathaus.notifications.models import Notification
from rathaus.offices.models import Role
from rathaus.posts import lifecycle, notices, scheduling
from rathaus.posts.models import Post
from tests.helpers import make_user

AT = datetime(2030, 5, 6, 7, 30, tzinfo=UTC)


@pytest.fixture
def nord(other_office):
    """An editor and an approver of the other office."""
    return (
        make_user("nils.editor", other_office, Role.EDITOR),
        make_user("nina.approver", other_office, Role.APPROVER),
    )


def _scheduled(office, editor, approver, title):
    post = lifecycle.create_draft(office, by=editor, title=title, body="Text", publish_at=AT)
    lifecycle.submit(post, by=editor)
    return lifecycle.approve(post, by=approver)


def _batch(office, editor, approver, other_office, nord, *, each=2):
    """``each`` posts scheduled in either office, published at AT by the scheduler; what the
    steps before told is gone."""
    posts = [_scheduled(office, editor, approver, f"Mitte {n}") for n in range(each)]
    posts += [_scheduled(other_office, *nord, f"Nord {n}") for n in range(each)]
    Notification.objects.all().delete()
    Job.objects.filter(kind="notifications.mail").delete()
    with time_machine.travel(AT, tick=False):
        assert scheduling.publish([post.pk for post in posts]) == {post.pk for post in posts}
    return posts


def _tell(now=AT):
    with time_machine.travel(now, tick=False):
        return runner.run(scheduling.TELL_KIND)


def _told():
    return sorted(Notification.objects.values_list("user__username", "text"))


def test_a_batch_leaves_one_job_and_tells_nobody_itself(
    office, editor, approver, other_office, nord
):
    posts = _batch(office, editor, approver, other_office, nord)
    [job] = Job.objects.filter(kind=scheduling.TELL_KIND)
    assert sorted(job.payload["posts"]) == sorted(post.pk for post in posts)
    assert not Notification.objects.exists()


def test_the_job_tells_each_author_in_their_office_as_the_scheduler_always_did(
    office, editor, approver, other_office, nord
):
    _batch(office, editor, approver, other_office, nord)
    [outcome] = _tell()
    assert outcome.result == 4
    assert not Job.objects.filter(kind=scheduling.TELL_KIND).exists()  # done, deleted
    # The text ``notices.published`` makes for the scheduler, unchanged (same msgid).
    expected = [
        ("erika.editor", notices._published_text(post, None))
        for post in Post.objects.filter(office=office).order_by("title")
    ] + [
        ("nils.editor", notices._published_text(post, None))
        for post in Post.objects.filter(office=other_office).order_by("title")
    ]
    assert _told() == sorted(expected)
    for notification in Notification.objects.select_related("office"):
        assert notification.kind == Notification.Kind.PUBLISHED
        assert notification.url.startswith(f"/desk/{notification.office.slug}/beitraege/")
    assert set(Notification.objects.values_list("office__slug", "user__username")) == {
        ("mitte", "erika.editor"),
        ("nord", "nils.editor"),
    }


def test_the_statements_do_not_grow_with_the_batch(office, editor, approver, other_office, nord):
    def statements(each):
        _batch(office, editor, approver, other_office, nord, each=each)
        with CaptureQueriesContext(connection) as queries:
            _tell()
        return len(queries)

    few, many = statements(1), statements(8)
    assert few == many
    assert Notification.objects.count() == 16  # the second batch's


def test_a_batch_in_two_offices_costs_a_bounded_number_of_statements(
    office, editor, approver, other_office, nord, django_assert_max_num_queries
):
    for user in (editor, nord[0]):
        user.email = f"{user.username}@example.org"
        user.save()
    _batch(office, editor, approver, other_office, nord, each=5)
    # Claim (2), the posts (1); per office the members, the insert, the mail choices, the
    # mail jobs (4 × 2); settling (1), the look for urgent work (1), the claim that finds
    # nothing more (1): 13 statements, with the savepoints of their transactions 24. A
    # notify per post cost about five each.
    with django_assert_max_num_queries(24):
        _tell()
    assert Notification.objects.count() == 10
    assert Job.objects.filter(kind="notifications.mail").count() == 10


def test_a_post_withdrawn_before_the_job_runs_is_not_announced(
    office, editor, approver, other_office, nord
):
    posts = _batch(office, editor, approver, other_office, nord, each=1)
    gone = posts[0]
    gone.refresh_from_db()
    lifecycle.withdraw(gone, by=approver, reason="Termin verschoben")
    _tell()
    assert [user for user, _text in _told()] == ["nils.editor"]


def test_author_and_last_editor_both_hear_it_the_scheduler_being_nobody(
    office, editor, approver, other_office, nord
):
    colleague = make_user("carla.editor", office, Role.EDITOR)
    post = lifecycle.create_draft(office, by=editor, title="Linden", body="Text", publish_at=AT)
    lifecycle.edit(post, by=colleague, body="Neuer Text")
    lifecycle.submit(post, by=colleague)
    lifecycle.approve(post, by=approver)
    Notification.objects.all().delete()
    with time_machine.travel(AT, tick=False):
        scheduling.publish([post.pk])
    _tell()
    assert [user for user, _text in _told()] == ["carla.editor", "erika.editor"]


def test_a_failed_telling_is_tried_again_later_and_tells_once(
    office, editor, approver, other_office, nord, monkeypatch
):
    posts = _batch(office, editor, approver, other_office, nord, each=1)
    real = notices.published_as_scheduled

    def half_then_broken(found):
        real(list(found)[:1])  # written, then rolled back with the job's transaction
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(notices, "published_as_scheduled", half_then_broken)
    _tell()
    assert not Notification.objects.exists()
    job = Job.objects.get(kind=scheduling.TELL_KIND)
    assert (job.status, job.attempts) == ("queued", 1) and "hiccup" in job.last_error
    # Publication stands whatever became of the notices.
    assert set(Post.objects.values_list("status", flat=True)) == {Post.Status.PUBLISHED}

    monkeypatch.setattr(notices, "published_as_scheduled", real)
    _tell(now=AT + timedelta(hours=1))  # after the backoff
    assert len(_told()) == len(posts)
    assert not Job.objects.filter(kind=scheduling.TELL_KIND).exists()


def test_the_job_is_rung_for_after_the_commit_and_tells_then(
    office, editor, approver, other_office, nord, django_capture_on_commit_callbacks
):
    post = _scheduled(office, editor, approver, "Linden")
    Notification.objects.all().delete()
    with time_machine.travel(AT, tick=False):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            assert scheduling.publish_due() == 1
        assert not Notification.objects.exists()
        for callback in callbacks:
            callback()  # the wake-up: in tests the kind runs at once
    assert _told() == [("erika.editor", notices._published_text(post, None))]
