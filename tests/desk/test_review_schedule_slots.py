"""The post page's schedule form offers the office's next fixed slots as one-click times,
which work without JavaScript (each a submit button carrying its time)."""

from datetime import UTC, datetime, time

import time_machine
from django.urls import reverse

from rathaus.posts import lifecycle
from rathaus.posts.models import FixedSlot, Post
from tests.helpers import log_in


@time_machine.travel("2026-06-01 08:00:00+00:00", tick=False)  # a Monday
def test_a_slot_schedules_the_post_at_its_time(client, office, editor, approver, draft):
    FixedSlot.objects.create(office=office, weekday=1, time=time(10, 30), label="Presse")
    FixedSlot.objects.create(office=office, weekday=3, time=time(9, 0))
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    log_in(client, approver)

    response = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk]))
    slots = response.context["slots"]
    assert [s.value for s in slots][:3] == [
        "2026-06-02T10:30",
        "2026-06-04T09:00",
        "2026-06-09T10:30",
    ]
    assert len(slots) == 6
    html = response.content.decode()
    assert 'name="schedule-at" value="2026-06-02T10:30"' in html
    assert "Presse" in html

    step = reverse("desk:post_step", args=[office.slug, draft.pk, "schedule"])
    answer = client.post(step, {"schedule-at": "2026-06-02T10:30"})
    assert answer.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Post.Status.SCHEDULED
    assert draft.publish_at == datetime(2026, 6, 2, 8, 30, tzinfo=UTC)  # 10:30 CEST


def test_no_slots_where_the_user_cannot_schedule(client, office, editor, approver, draft):
    FixedSlot.objects.create(office=office, weekday=1, time=time(10, 30))
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    log_in(client, editor)
    response = client.get(reverse("desk:post_detail", args=[office.slug, draft.pk]))
    assert response.context["slots"] == []
    assert 'name="schedule-at"' not in response.content.decode()
