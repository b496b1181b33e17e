"""Scheduling through the desk across the two DST nights of Europe/Berlin."""

import time_machine
from django.urls import reverse

from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.helpers import log_in


def _approved(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    return lifecycle.approve(draft, by=approver)


def _schedule(client, post, at):
    url = reverse("desk:post_step", args=[post.office.slug, post.pk, "schedule"])
    return client.post(url, {"schedule-at": at}, follow=True)


@time_machine.travel("2026-03-01 12:00:00+00:00", tick=False)
def test_a_time_skipped_in_march_is_a_form_error(client, editor, approver, draft):
    post = _approved(draft, editor, approver)
    log_in(client, approver)
    response = _schedule(client, post, "2026-03-29T02:30")
    html = response.content.decode()
    post.refresh_from_db()
    assert response.status_code == 400
    assert post.status == Post.Status.APPROVED and post.publish_at is None
    assert 'id="id_schedule-at_error"' in html
    assert "29.03.2026 02:30" in html
    assert 'value="2026-03-29T02:30"' in html


@time_machine.travel("2026-10-01 12:00:00+00:00", tick=False)
def test_a_doubled_time_in_october_takes_the_summer_time(client, editor, approver, draft):
    post = _approved(draft, editor, approver)
    log_in(client, approver)
    response = _schedule(client, post, "2026-10-25T02:30")
    post.refresh_from_db()
    assert response.status_code == 200
    assert post.status == Post.Status.SCHEDULED
    assert post.publish_at.isoformat() == "2026-10-25T00:30:00+00:00"
    notes = [str(m) for m in response.context["messages"]]
    assert any("25.10.2026 02:30" in note and "00:30" in note for note in notes)


@time_machine.travel("2026-10-01 12:00:00+00:00", tick=False)
def test_unscheduling_returns_to_approved(client, editor, approver, draft):
    post = _approved(draft, editor, approver)
    log_in(client, approver)
    _schedule(client, post, "2026-10-20T09:00")
    client.post(reverse("desk:post_step", args=[post.office.slug, post.pk, "unschedule"]))
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED and post.publish_at is None
