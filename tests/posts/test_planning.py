"""Planning verbs: moving a scheduled post (an approver's step, like scheduling) and copying
a post into a new draft."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from rathaus.audit.log import history
from rathaus.jobs.models import Job
from rathaus.offices.access import LifecycleError
from rathaus.posts import lifecycle, planning, scheduling
from rathaus.posts.models import Post

pytestmark = pytest.mark.usefixtures("english_messages")

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def scheduled(draft, editor, approver):
    with time_machine.travel(NOW, tick=False):
        lifecycle.submit(draft, by=editor)
        lifecycle.approve(draft, by=approver)
        return lifecycle.schedule(draft, by=approver, at=NOW + timedelta(days=2))


@time_machine.travel(NOW, tick=False)
def test_reschedule_moves_the_post_and_its_publication_job(scheduled, approver):
    later = NOW + timedelta(days=5, hours=3)
    planning.reschedule(scheduled, later, by=approver)

    scheduled.refresh_from_db()
    assert scheduled.status == Post.Status.SCHEDULED and scheduled.publish_at == later
    job = Job.objects.get(kind=scheduling.KIND, key=str(scheduled.pk))
    assert job.next_attempt_at == later
    entry = history(scheduled).filter(action="rescheduled").get()
    assert entry.actor == approver
    assert entry.before == {"publish_at": (NOW + timedelta(days=2)).isoformat()}
    assert entry.after == {"publish_at": later.isoformat()}
    # The approval stays: the content did not change.
    assert scheduled.approved_hash == scheduled.content_hash()


def test_the_moved_post_goes_out_at_the_new_time_only(scheduled, approver):
    later = NOW + timedelta(days=5)
    with time_machine.travel(NOW, tick=False):
        planning.reschedule(scheduled, later, by=approver)
    with time_machine.travel(NOW + timedelta(days=2, minutes=1), tick=False):
        assert scheduling.publish_due() == 0
    with time_machine.travel(later, tick=False):
        assert scheduling.publish_due() == 1


@time_machine.travel(NOW, tick=False)
def test_an_editor_may_not_move_a_scheduled_post(scheduled, editor):
    with pytest.raises(LifecycleError, match="role"):
        planning.reschedule(scheduled, NOW + timedelta(days=4), by=editor)
    scheduled.refresh_from_db()
    assert scheduled.publish_at == NOW + timedelta(days=2)


@time_machine.travel(NOW, tick=False)
def test_reschedule_refuses_the_past_and_posts_that_are_not_scheduled(
    scheduled, draft, approver, outsider
):
    with pytest.raises(LifecycleError, match="future"):
        planning.reschedule(scheduled, NOW - timedelta(minutes=1), by=approver)
    lifecycle.unschedule(scheduled, by=approver)
    with pytest.raises(LifecycleError, match="Only a scheduled post"):
        planning.reschedule(scheduled, NOW + timedelta(days=1), by=approver)
    with pytest.raises(LifecycleError, match="role"):
        planning.reschedule(scheduled, NOW + timedelta(days=1), by=outsider)
    assert not history(scheduled).filter(action="rescheduled").exists()


def test_duplicate_makes_a_new_draft_with_the_content(
    office, editor, approver, tiny_png, django_capture_on_commit_callbacks
):
    post = lifecycle.create_draft(
        office,
        by=editor,
        title="Sprechstunde",
        body="Jeden **Dienstag**.",
        category="service",
        place_name="Rathaus, Raum 3",
        publish_at=datetime(2030, 1, 7, 9, tzinfo=UTC),
        tags=["Bürgerservice"],
        variants={"newsletter": "Kurz: Sprechstunde dienstags."},
    )
    lifecycle.add_image(
        post, by=editor, file=tiny_png, alt_text="Das Rathaus", author="A. B.", licence="CC0"
    )
    copy = planning.duplicate(post, by=editor)

    assert copy.pk != post.pk and copy.status == Post.Status.DRAFT
    assert copy.title == "Copy: Sprechstunde"
    assert (copy.body, copy.category, copy.place_name) == (post.body, "service", post.place_name)
    assert copy.publish_at is None  # the copy needs a time of its own
    assert [t.name for t in copy.tags.all()] == ["Bürgerservice"]
    assert copy.variant_text("newsletter") == "Kurz: Sprechstunde dienstags."
    (original,), (copied,) = post.images.all(), copy.images.all()
    assert copied.image.name != original.image.name  # a file of its own
    assert (copied.alt_text, copied.sha256) == (original.alt_text, original.sha256)
    with copied.image.open("rb") as one, original.image.open("rb") as two:
        assert one.read() == two.read()
    assert copy.created_by == editor and copy.last_editor == editor
    assert history(copy).filter(action="duplicated").exists()
    # The copy's content is its own: changing it leaves the original alone.
    lifecycle.edit(copy, by=editor, body="Anders")
    post.refresh_from_db()
    assert post.body == "Jeden **Dienstag**."


def test_a_long_title_stays_within_the_limit(office, editor):
    post = lifecycle.create_draft(office, by=editor, title="T" * 200, body="x")
    assert len(planning.duplicate(post, by=editor).title) == 200


def test_only_an_editor_of_the_office_may_duplicate(published, approver, outsider):
    with pytest.raises(LifecycleError, match="role"):
        planning.duplicate(published, by=approver)
    with pytest.raises(LifecycleError, match="role"):
        planning.duplicate(published, by=outsider)
    assert Post.objects.count() == 1
