"""Planning from the desk: moving a scheduled post, copying a post, the plan as iCalendar.
Each from the side of the role that may, the role that may not, and another office."""

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import time_machine
from django.urls import reverse

from rathaus.desk import history
from rathaus.posts import lifecycle, planning
from rathaus.posts.models import Post
from tests.helpers import log_in, publish

pytestmark = pytest.mark.usefixtures("english_messages")

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)


@pytest.fixture
def scheduled(draft, editor, approver):
    with time_machine.travel(NOW, tick=False):
        lifecycle.submit(draft, by=editor)
        lifecycle.approve(draft, by=approver)
        return lifecycle.schedule(draft, by=approver, at=datetime(2026, 3, 23, 8, tzinfo=UTC))


def _move(office, post):
    return reverse("desk:calendar_move", args=[office.slug, post.pk])


@time_machine.travel(NOW, tick=False)
def test_an_approver_moves_a_post_with_the_plain_form(client, office, approver, scheduled):
    log_in(client, approver, language="en")
    form = client.get(_move(office, scheduled))
    assert form.status_code == 200
    assert 'value="2026-03-23T09:00"' in form.content.decode()  # local time, Berlin

    response = client.post(_move(office, scheduled), {"at": "2026-03-31T10:15"})
    assert response.status_code == 302
    assert response["Location"].endswith("/kalender/woche/?week=2026-03-31")
    scheduled.refresh_from_db()
    # 31 March is summer time: 10:15 in Berlin is 08:15 UTC.
    assert scheduled.publish_at == datetime(2026, 3, 31, 8, 15, tzinfo=UTC)

    week = client.get(response["Location"])
    assert 'data-move="' + _move(office, scheduled) + '"' in week.content.decode()


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2026-03-29T02:30", "does not exist"),  # skipped by the spring switch
        ("2026-03-01T10:00", "must be in the future"),
        ("bald", "Enter a valid date/time"),
        ("", "This field is required"),
    ],
)
def test_a_time_that_cannot_be_is_a_form_error(client, office, approver, scheduled, value, message):
    log_in(client, approver, language="en")
    response = client.post(_move(office, scheduled), {"at": value})
    assert response.status_code == 400
    assert message in response.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.publish_at == datetime(2026, 3, 23, 8, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_the_doubled_autumn_hour_is_taken_early_and_said(client, office, approver, scheduled):
    log_in(client, approver, language="en")
    response = client.post(_move(office, scheduled), {"at": "2026-10-25T02:30"}, follow=True)
    scheduled.refresh_from_db()
    assert scheduled.publish_at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert "happens twice" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_post_that_is_not_scheduled_is_not_moved(client, office, approver, draft):
    log_in(client, approver, language="en")
    response = client.post(_move(office, draft), {"at": "2026-03-31T10:15"})
    assert response.status_code == 400
    assert "Only a scheduled post" in response.content.decode()
    draft.refresh_from_db()
    assert draft.publish_at is None


@time_machine.travel(NOW, tick=False)
def test_editors_and_other_offices_cannot_move(client, office, editor, outsider, scheduled):
    log_in(client, editor)
    assert client.get(_move(office, scheduled)).status_code == 403
    assert client.post(_move(office, scheduled), {"at": "2026-03-31T10:15"}).status_code == 403
    week = client.get(reverse("desk:calendar_week", args=[office.slug]), {"week": "2026-W13"})
    assert "data-move" not in week.content.decode()
    log_in(client, outsider)
    assert client.post(_move(office, scheduled), {"at": "2026-03-31T10:15"}).status_code == 404
    scheduled.refresh_from_db()
    assert scheduled.publish_at == datetime(2026, 3, 23, 8, tzinfo=UTC)


def test_an_editor_duplicates_a_post_from_its_page(client, office, editor, published):
    log_in(client, editor)
    detail = client.get(reverse("desk:post_detail", args=[office.slug, published.pk]))
    url = reverse("desk:post_duplicate", args=[office.slug, published.pk])
    assert f'action="{url}"' in detail.content.decode()

    response = client.post(url)
    copy = Post.objects.exclude(pk=published.pk).get()
    assert response["Location"] == reverse("desk:post_edit", args=[office.slug, copy.pk])
    assert copy.status == Post.Status.DRAFT and copy.body == published.body
    assert client.get(url).status_code == 302  # a link followed copies nothing
    assert Post.objects.count() == 2


def test_who_does_not_write_cannot_duplicate(client, office, approver, outsider, published):
    url = reverse("desk:post_duplicate", args=[office.slug, published.pk])
    log_in(client, approver, language="en")
    detail = client.get(reverse("desk:post_detail", args=[office.slug, published.pk]))
    assert url not in detail.content.decode()
    assert client.post(url).status_code == 403
    log_in(client, outsider)
    assert client.post(url).status_code == 404
    assert Post.objects.count() == 1


def _ics(client, office, **query):
    return client.get(reverse("desk:calendar_ics", args=[office.slug]), query)


@time_machine.travel(NOW, tick=False)
def test_the_plan_as_icalendar(
    client, office, editor, approver, scheduled, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW - timedelta(days=60), tick=False):
        publish(office, editor, approver, django_capture_on_commit_callbacks, title="Alt", body="x")
    lifecycle.create_draft(  # an event is the newsroom's (termine.ics), not the plan's
        office, by=editor, title="Fest", body="x", event_start=datetime(2026, 3, 25, tzinfo=UTC)
    )
    log_in(client, editor, language="en")
    response = _ics(client, office, **{"from": "2026-03-16", "to": "2026-03-29"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    events = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    summaries = {str(e["summary"]): e for e in events}
    event = summaries[f"Scheduled: {scheduled.title}"]
    assert event.decoded("dtstart") == datetime(2026, 3, 23, 8, tzinfo=UTC)
    assert str(event["url"]).endswith(f"/beitraege/{scheduled.pk}/")
    assert str(event["uid"]) == f"post-{scheduled.pk}-scheduled@testserver"
    assert "kranke" not in response.content.decode()  # the texts stay on the desk
    assert len(events) == 1  # the published post is of January
    january = _ics(client, office, **{"from": "2026-01-01", "to": "2026-01-31"})
    (old,) = icalendar.Calendar.from_ical(january.content).walk("VEVENT")
    assert str(old["summary"]) == "Published: Alt"


@time_machine.travel(NOW, tick=False)
def test_the_export_of_an_empty_range_is_an_empty_calendar(client, office, editor, scheduled):
    log_in(client, editor)
    response = _ics(client, office, **{"from": "2026-03-24", "to": "2026-03-24"})
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT") == []
    default = _ics(client, office)  # the last month and the next half year
    assert len(icalendar.Calendar.from_ical(default.content).walk("VEVENT")) == 1


@pytest.mark.parametrize(
    "query",
    [
        {"from": "gestern"},
        {"to": "2026-02-30"},
        {"from": "2026-03-20", "to": "2026-03-19"},
        {"from": "2020-01-01", "to": "2026-01-01"},
        {"from": "0001-01-01", "to": "0001-01-02"},
        {"from": "9999-12-30", "to": "9999-12-31"},
    ],
)
def test_a_bad_range_is_refused(client, office, editor, query):
    log_in(client, editor)
    assert _ics(client, office, **query).status_code == 400


def test_another_office_gets_no_plan(client, office, outsider, scheduled):
    log_in(client, outsider)
    assert _ics(client, office).status_code == 404


def test_a_moved_and_a_copied_post_say_so_in_their_history(office, editor, approver):
    # The desk's history names each step in words, the planning steps too.
    now = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    with time_machine.travel(now, tick=False):
        post = lifecycle.create_draft(office, by=editor, title="Sprechstunde", body="Dienstags.")
        lifecycle.submit(post, by=editor)
        lifecycle.approve(post, by=approver)
        lifecycle.schedule(post, by=approver, at=now + timedelta(days=2))
        planning.reschedule(post, now + timedelta(days=3), by=approver)
        copy = planning.duplicate(post, by=editor)
    labels = [row.label for row in history.rows(post)]
    assert "Moved to another time" in labels and "rescheduled" not in labels
    assert "Made as a copy" in [row.label for row in history.rows(copy)]
