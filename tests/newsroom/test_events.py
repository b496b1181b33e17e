"""The events page lists upcoming events and meetings, soonest first."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from rathaus.posts import lifecycle


@pytest.fixture
def publish(office, editor, approver, django_capture_on_commit_callbacks):
    def _publish(title, **fields):
        post = lifecycle.create_draft(office, by=editor, title=title, body="Text.", **fields)
        lifecycle.submit(post, by=editor)
        lifecycle.approve(post, by=approver)
        with django_capture_on_commit_callbacks(execute=True):
            return lifecycle.publish(post, by=approver)

    return _publish


def test_it_lists_upcoming_events_soonest_first(client, office, publish, draft):
    now = timezone.now()
    publish("Später Termin", event_start=now + timedelta(days=20), category="meeting")
    publish("Früher Termin", event_start=now + timedelta(days=2))
    publish("Vergangener Termin", event_start=now - timedelta(days=2))
    publish("Ohne Termin")
    lifecycle.edit(draft, by=draft.created_by, event_start=now + timedelta(days=1))

    response = client.get(reverse("newsroom:events", args=[office.slug]))
    assert response.status_code == 200
    text = response.text
    assert text.index("Früher Termin") < text.index("Später Termin")
    assert "Vergangener Termin" not in text
    assert "Ohne Termin" not in text
    assert draft.title not in text


def test_it_says_when_nothing_is_coming(client, office):
    response = client.get(reverse("newsroom:events", args=[office.slug]))
    assert response.status_code == 200
    with translation.override("de"):
        assert gettext("No upcoming events or meetings.") in response.text


def test_each_event_leads_with_its_date_not_the_publication_date(client, office, publish):
    start = timezone.now() + timedelta(days=3)
    post = publish("Bürgersprechstunde", event_start=start, place_name="Rathaus, Raum 1")
    text = client.get(reverse("newsroom:events", args=[office.slug])).text
    teaser = text.split('<li class="post-teaser')[1].split("</li>")[0]
    times = teaser.split("<time datetime=")[1:]
    assert times, "the teaser names a time"
    assert times[0].startswith(f'"{timezone.localtime(start, office.zone).isoformat()}"')
    assert post.published_at.isoformat()[:10] not in "".join(times)
    assert teaser.index("<time") < teaser.index("<h2>")
    assert "Rathaus, Raum 1" in teaser.split("<h2>")[0]
