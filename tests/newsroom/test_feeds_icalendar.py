"""The iCal calendar of an office's events, read back with the icalendar library."""

from datetime import UTC, datetime

import icalendar
import pytest
from django.urls import reverse

from rathaus.posts import lifecycle


@pytest.fixture
def meeting(publish_post):
    return publish_post(
        title="Sitzung der Bezirksverordneten",
        body="Öffentliche Sitzung, **Tagesordnung** folgt.",
        category="meeting",
        place_name="Rathaus, Saal 1",
        event_start=datetime(2031, 3, 4, 17, 0, tzinfo=UTC),
        event_end=datetime(2031, 3, 4, 20, 0, tzinfo=UTC),
    )


def _events(client, office):
    response = client.get(reverse("newsroom:calendar", args=[office.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    return list(calendar.walk("VEVENT"))


def test_it_lists_events_with_all_fields(client, office, meeting, published):
    events = _events(client, office)
    assert len(events) == 1  # the post without event time is not in the calendar
    event = events[0]
    assert str(event["UID"]) == f"post-{meeting.pk}@presse.mitte.example"
    assert event.decoded("DTSTART") == datetime(2031, 3, 4, 17, 0, tzinfo=UTC)
    assert event.decoded("DTEND") == datetime(2031, 3, 4, 20, 0, tzinfo=UTC)
    assert str(event["SUMMARY"]) == meeting.title
    assert str(event["DESCRIPTION"]) == "Öffentliche Sitzung, Tagesordnung folgt."
    assert str(event["LOCATION"]) == "Rathaus, Saal 1"
    assert str(event["URL"]) == f"https://presse.mitte.example{meeting.get_absolute_url()}"


def test_it_drops_withdrawn_events(client, office, meeting, approver):
    lifecycle.withdraw(meeting, by=approver, reason="Sitzung verschoben.")
    assert _events(client, office) == []
