"""The month calendar shows posts and events on their local day, Monday first."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from rathaus.posts import lifecycle
from tests.helpers import log_in


@time_machine.travel("2026-03-01 12:00:00+00:00", tick=False)
def test_it_shows_a_scheduled_post_on_its_local_day(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    # 31 March 22:30 UTC is already 1 April 00:30 in Berlin.
    lifecycle.schedule(draft, by=approver, at=datetime(2026, 3, 31, 22, 30, tzinfo=UTC))
    log_in(client, editor)

    april = client.get(reverse("desk:calendar", args=[office.slug]), {"month": "2026-04"})
    week = april.context["month"].weeks[0]
    assert week[0].date.isoformat() == "2026-03-30"  # weeks start on Monday
    first = next(d for d in week if d.date.isoformat() == "2026-04-01")
    assert [(e.kind, e.post.pk, e.at.strftime("%H:%M")) for e in first.entries] == [
        ("scheduled", draft.pk, "00:30")
    ]
    html = april.content.decode()
    assert 'data-date="2026-04-01"' in html and draft.title in html
    assert '<th scope="col">' in html
    assert "?month=2026-03" in html and "?month=2026-05" in html

    march = client.get(reverse("desk:calendar", args=[office.slug]), {"month": "2026-03"})
    assert draft.title not in march.content.decode()


def test_it_shows_events_and_published_posts(client, office, editor, published):
    lifecycle.create_draft(
        office,
        by=editor,
        title="Einwohnerversammlung",
        body="Alle sind eingeladen.",
        event_start=datetime(2026, 12, 3, 17, 0, tzinfo=UTC),
    )
    log_in(client, editor)
    month = published.published_at.astimezone(office.zone).strftime("%Y-%m")
    html = client.get(reverse("desk:calendar", args=[office.slug]), {"month": month})
    assert published.title in html.content.decode()
    december = client.get(reverse("desk:calendar", args=[office.slug]), {"month": "2026-12"})
    assert "Einwohnerversammlung" in december.content.decode()
    assert "18:00" in december.content.decode()


def test_a_bad_month_falls_back_to_this_month(client, office, editor):
    log_in(client, editor)
    response = client.get(reverse("desk:calendar", args=[office.slug]), {"month": "2026-13"})
    assert response.status_code == 200
    assert response.context["month"].first.day == 1
