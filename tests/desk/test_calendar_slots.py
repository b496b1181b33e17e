"""The office's fixed slots: set by approvers and office admins, marked in the week,
offered when a post is moved; never seen or changed from another office."""

from datetime import UTC, datetime, time

import pytest
import time_machine
from django.urls import reverse

from rathaus.posts import lifecycle, planning
from rathaus.posts.models import FixedSlot
from tests.helpers import log_in

pytestmark = pytest.mark.usefixtures("english_messages")

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # Friday


def _slots(office):
    return reverse("desk:calendar_slots", args=[office.slug])


def test_an_approver_adds_and_removes_a_slot(client, office, approver):
    log_in(client, approver, language="en")
    assert client.get(_slots(office)).status_code == 200
    data = {"weekday": "1", "time": "10:00", "category": "press_release", "label": ""}
    response = client.post(_slots(office), data)
    assert response.status_code == 302
    slot = FixedSlot.objects.get(office=office)
    assert (slot.weekday, slot.time, slot.category) == (1, time(10), "press_release")
    assert str(slot) == "Tuesday 10:00 Press release"

    again = client.post(_slots(office), data)
    assert again.status_code == 400 and "already a fixed slot" in again.content.decode()
    bad = client.post(_slots(office), {"weekday": "9", "time": "25:00"})
    assert bad.status_code == 400 and FixedSlot.objects.count() == 1

    remove = reverse("desk:calendar_slot_remove", args=[office.slug, slot.pk])
    assert client.get(remove).status_code == 302 and FixedSlot.objects.count() == 1
    assert client.post(remove).status_code == 302
    assert not FixedSlot.objects.exists()


def test_office_admins_may_editors_may_not_and_other_offices_see_nothing(
    client, office, editor, office_admin, outsider, approver
):
    slot = planning.add_slot(office, by=approver, weekday=1, at=time(10))
    remove = reverse("desk:calendar_slot_remove", args=[office.slug, slot.pk])
    log_in(client, editor)
    assert client.get(_slots(office)).status_code == 403
    assert client.post(remove).status_code == 403
    log_in(client, outsider)
    assert client.get(_slots(office)).status_code == 404
    assert client.post(_slots(office), {"weekday": "2", "time": "09:00"}).status_code == 404
    assert client.post(remove).status_code == 404
    assert list(FixedSlot.objects.all()) == [slot]
    # The outsider's own office cannot reach this office's slot either.
    other_remove = reverse("desk:calendar_slot_remove", args=["nord", slot.pk])
    assert client.post(other_remove).status_code == 404
    assert FixedSlot.objects.filter(pk=slot.pk).exists()
    planning.add_slot(office, by=office_admin, weekday=3, at=time(9))
    assert FixedSlot.objects.count() == 2


@time_machine.travel(NOW, tick=False)
def test_the_week_marks_slots_and_the_move_form_offers_them(
    client, office, editor, approver, draft
):
    planning.add_slot(office, by=approver, weekday=1, at=time(10, 30), category="meeting")
    log_in(client, editor, language="en")
    week = client.get(reverse("desk:calendar_week", args=[office.slug]), {"week": "2026-W13"})
    html = week.content.decode()
    assert "Fixed slot 10:30 Council meeting" in html
    assert "publish_at=2026-03-24T10:30&amp;category=meeting" in html
    form = client.get(reverse("desk:post_new", args=[office.slug]), {"category": "meeting"})
    assert form.context["form"].initial["category"] == "meeting"

    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    lifecycle.schedule(draft, by=approver, at=datetime(2026, 3, 21, 8, tzinfo=UTC))
    log_in(client, approver, language="en")
    move = reverse("desk:calendar_move", args=[office.slug, draft.pk])
    page = client.get(move).content.decode()
    # Tuesday 24 March and 31 March, 10:30 local: winter, then summer time.
    assert 'name="at" value="2026-03-24T10:30"' in page
    assert 'name="at" value="2026-03-31T10:30"' in page
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "<" not in title and "10:30" not in title  # the slots are in the page, not its title
    client.post(move, {"at": "2026-03-31T10:30"})
    draft.refresh_from_db()
    assert draft.publish_at == datetime(2026, 3, 31, 8, 30, tzinfo=UTC)


@time_machine.travel(NOW, tick=False)
def test_a_slot_in_the_skipped_hour_is_not_offered_that_week(office, approver):
    planning.add_slot(office, by=approver, weekday=6, at=time(2, 30))  # Sunday 02:30
    days = [o.local.date().isoformat() for o in planning.upcoming(office)]
    # The next two weeks hold two Sundays: the 22nd, and the 29th, whose 02:30 does not exist.
    assert days == ["2026-03-22"]
