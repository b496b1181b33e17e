"""The dashboard: drafts, approvals waiting, schedule in local time, recent and flagged posts."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from rathaus.offices.models import Membership, Role
from rathaus.posts import lifecycle
from tests.helpers import log_in


def test_home_lists_offices_when_there_are_several(client, office, other_office, editor):
    Membership.objects.create(user=editor, office=other_office, role=Role.EDITOR)
    log_in(client, editor)
    response = client.get(reverse("desk:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("desk:dashboard", args=["mitte"]) in html
    assert reverse("desk:dashboard", args=["nord"]) in html
    switched = client.get(reverse("desk:home"), {"office": "nord"})
    assert switched["Location"] == reverse("desk:dashboard", args=["nord"])


@time_machine.travel("2026-06-01 08:00:00+00:00", tick=False)
def test_it_shows_scheduled_posts_in_local_time(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    lifecycle.schedule(draft, by=approver, at=datetime(2026, 6, 2, 7, 0, tzinfo=UTC))
    log_in(client, editor)
    html = client.get(reverse("desk:dashboard", args=[office.slug])).content.decode()
    assert "02.06.2026 09:00" in html  # CEST


def test_it_flags_emergencies_published_without_approval(client, office, editor):
    office.emergency_skips_approval = True
    office.save()
    post = lifecycle.create_draft(
        office,
        by=editor,
        title="Unwetterwarnung",
        body="Bleiben Sie zu Hause.",
        category="emergency",
    )
    log_in(client, editor)
    detail = client.get(reverse("desk:post_detail", args=[office.slug, post.pk])).content.decode()
    step = reverse("desk:post_step", args=[office.slug, post.pk, "emergency"])
    assert step in detail
    client.post(step)
    post.refresh_from_db()
    assert post.published_without_approval
    dashboard = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert [p.pk for p in dashboard.context["emergencies"]] == [post.pk]
    assert 'id="h-emergencies"' in dashboard.content.decode()


def test_no_emergency_button_when_the_office_does_not_allow_it(client, office, editor):
    post = lifecycle.create_draft(
        office, by=editor, title="Warnung", body="Text", category="emergency"
    )
    log_in(client, editor)
    step = reverse("desk:post_step", args=[office.slug, post.pk, "emergency"])
    assert (
        step
        not in client.get(reverse("desk:post_detail", args=[office.slug, post.pk])).content.decode()
    )
    client.post(step)
    post.refresh_from_db()
    assert post.status == "draft"
