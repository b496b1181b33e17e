"""When an office admin changes what due times are counted from (a target, a closure day,
the opening hours), the open conversations' due times are recounted: queued by the
settings change, done by the worker (the job engine), never in the request."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from rathaus.desk import configuring
from rathaus.inbox import inbound
from rathaus.inbox.models import Conversation
from rathaus.jobs import runner
from rathaus.jobs.models import Job
from rathaus.offices.access import LifecycleError
from rathaus.response_times import recounting
from rathaus.response_times.background import RECOUNT
from rathaus.response_times.models import ResponseTarget
from tests.helpers import log_in

BERLIN = ZoneInfo("Europe/Berlin")
# Friday 12 June 2026, 14:00 in Berlin; the office works Monday to Friday, 8 to 16.
FRIDAY_2PM = datetime(2026, 6, 12, 14, 0, tzinfo=BERLIN)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def write(office, remote_id) -> Conversation:
    with time_machine.travel(FRIDAY_2PM, tick=False):
        message, _created = inbound.receive(
            inbound.InboundMessage(
                office=office,
                channel="contact",
                remote_id=remote_id,
                text_html="<p>Wann wird die Linde gefällt?</p>",
                author_email="anna@example.org",
            )
        )
    return Conversation.objects.get(pk=message.conversation_id)


@pytest.fixture
def target(office):
    return ResponseTarget.objects.create(
        office=office, first_response_hours=Decimal(8), resolution_hours=Decimal(40)
    )


@pytest.fixture
def open_and_closed(office, target):
    waiting = write(office, "open")
    closed = write(office, "closed")
    Conversation.objects.filter(pk=closed.pk).update(status=Conversation.Status.CLOSED)
    # 2 hours on Friday, 6 on Monday.
    assert waiting.first_response_due == local(2026, 6, 15, 14, 0)
    return waiting, closed


def _due(conversation):
    conversation.refresh_from_db()
    return conversation.first_response_due, conversation.resolution_due


def test_changing_a_target_recounts_open_conversations_only(
    client, office, office_admin, target, open_and_closed
):
    waiting, closed = open_and_closed
    closed_before = _due(closed)
    log_in(client, office_admin)
    response = client.post(
        reverse("desk:settings_target_edit", args=[office.slug, target.pk]),
        {"category": "", "first_response_hours": "4", "resolution_hours": "40"},
    )
    assert response.status_code == 303
    # Nothing was recounted in the request: a job waits for the worker.
    assert waiting.first_response_due == _due(waiting)[0] == local(2026, 6, 15, 14, 0)
    assert Job.objects.filter(kind=RECOUNT.name, key=f"office:{office.pk}").exists()
    runner.run(RECOUNT)
    assert _due(waiting)[0] == local(2026, 6, 15, 10, 0)
    assert _due(closed) == closed_before


def test_a_deleted_target_takes_the_due_times_away(
    client, office, office_admin, target, open_and_closed
):
    waiting, _closed = open_and_closed
    log_in(client, office_admin)
    client.post(reverse("desk:settings_target_delete", args=[office.slug, target.pk]))
    runner.run(RECOUNT)
    assert _due(waiting) == (None, None)


def test_a_closure_day_moves_the_due_time(client, office, office_admin, open_and_closed):
    waiting, closed = open_and_closed
    closed_before = _due(closed)
    log_in(client, office_admin)
    client.post(
        reverse("desk:settings_closure_add", args=[office.slug]),
        {"closure-day": "2026-06-15", "closure-note": "Brückentag"},
    )
    runner.run(RECOUNT)
    assert _due(waiting)[0] == local(2026, 6, 16, 14, 0)
    assert _due(closed) == closed_before


def test_new_opening_hours_move_the_due_time(office, office_admin, open_and_closed):
    waiting, _closed = open_and_closed
    # Friday afternoons closed: the 8 hours start on Monday at 8.
    office.working_hours = {**office.working_hours, "4": [["08:00", "12:00"]]}
    configuring.save(
        office, ["working_hours"], office=office, action="office_hours_changed", by=office_admin
    )
    runner.run(RECOUNT)
    assert _due(waiting)[0] == local(2026, 6, 15, 16, 0)


def test_other_offices_and_conversations_without_due_times_stay(
    office, other_office, office_admin, target, open_and_closed
):
    ResponseTarget.objects.create(office=other_office, first_response_hours=Decimal(8))
    theirs = write(other_office, "theirs")
    untimed = write(office, "untimed")
    Conversation.objects.filter(pk=untimed.pk).update(first_response_due=None, resolution_due=None)
    target.first_response_hours = Decimal(2)
    configuring.save(
        target,
        ["first_response_hours"],
        office=office,
        action="response_target_changed",
        by=office_admin,
    )
    runner.run(RECOUNT)
    assert _due(open_and_closed[0])[0] == local(2026, 6, 12, 16, 0)
    assert _due(theirs)[0] == local(2026, 6, 15, 14, 0)
    assert _due(untimed) == (None, None)


def test_only_office_admins_have_due_times_recounted(office, editor):
    with pytest.raises(LifecycleError):
        recounting.recount_due_times(office, by=editor)
    assert not Job.objects.filter(kind=RECOUNT.name).exists()


def test_a_profile_change_that_counts_nothing_queues_nothing(office, office_admin):
    office.tagline = "Für Sie da"
    configuring.save(
        office, ["tagline"], office=office, action="office_settings_changed", by=office_admin
    )
    assert not Job.objects.filter(kind=RECOUNT.name).exists()


def test_a_target_changed_in_the_django_admin_recounts_too(
    admin_site_as, office, target, open_and_closed
):
    admin_client = admin_site_as("response_times")
    admin_client.post(
        f"/admin/response_times/responsetarget/{target.pk}/change/",
        {
            "office": office.pk,
            "category": "",
            "first_response_hours": "4",
            "resolution_hours": "40",
        },
    )
    runner.run(RECOUNT)
    assert _due(open_and_closed[0])[0] == local(2026, 6, 15, 10, 0)
