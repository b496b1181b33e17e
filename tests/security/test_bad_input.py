"""Dates, times and numbers out of range are a form error or a plain page, never a 500
(issue 10, item 14: 0001-01-01T00:00 as a schedule time or event start overflowed when
converted between the office's zone and UTC)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rathaus.posts import lifecycle
from rathaus.posts.models import Post

BAD_TIMES = [
    "0001-01-01T00:00",  # before UTC's year 1 once shifted by the zone
    "9999-12-31T23:59",  # after year 9999 once shifted back for display
    "1899-12-31T23:59",
    "2200-01-01T00:00",
    "99999-01-01T00:00",
    "-0001-01-01T00:00",
    "2026-13-40T25:61",
    "nicht-ein-datum",
    "2026-06-01T12:00" + "0" * 5000,
]


def _post_data(**times: str) -> dict[str, str]:
    return {
        "title": "Sommerfest im Rathauspark",
        "body": "Musik und Kuchen.",
        "category": "press_release",
        "language": "de",
        **times,
    }


@pytest.mark.parametrize("value", BAD_TIMES)
@pytest.mark.parametrize("field", ["event_start", "event_end", "publish_at"])
def test_a_new_post_with_an_impossible_time_is_a_form_error(client, office, editor, field, value):
    client.force_login(editor)
    response = client.post(
        reverse("desk:post_new", args=[office.slug]), _post_data(**{field: value})
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Post.objects.exists()


@pytest.mark.parametrize("value", ["0001-01-01T00:00", "9999-12-31T23:59"])
def test_editing_a_post_with_an_impossible_time_is_a_form_error(
    client, office, draft, editor, value
):
    client.force_login(editor)
    response = client.post(
        reverse("desk:post_edit", args=[office.slug, draft.pk]),
        _post_data(event_start=value),
    )
    assert response.status_code == 200
    assert "event_start" in response.context["form"].errors
    draft.refresh_from_db()
    assert draft.event_start is None and draft.title == "Baumfällung in der Lindenallee"


@pytest.mark.parametrize("value", BAD_TIMES)
def test_scheduling_at_an_impossible_time_is_a_form_error(
    client, office, draft, editor, approver, value
):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    client.force_login(approver)
    response = client.post(
        reverse("desk:post_step", args=[office.slug, draft.pk, "schedule"]),
        {"schedule-at": value},
    )
    assert response.status_code == 400  # the post's page again, with the form's error
    assert response.context["schedule_form"].errors["at"]
    draft.refresh_from_db()
    assert draft.status == Post.Status.APPROVED and draft.publish_at is None


def test_the_last_and_first_accepted_times_still_work(client, office, editor):
    client.force_login(editor)
    data = _post_data(event_start="1900-01-01T00:00", event_end="2199-12-31T23:59")
    response = client.post(reverse("desk:post_new", args=[office.slug]), data)
    assert response.status_code == 302
    post = Post.objects.get()
    assert post.event_start.year == 1899 and post.event_end.year == 2199  # stored as UTC
    assert client.get(reverse("desk:post_detail", args=[office.slug, post.pk])).status_code == 200
    assert (
        client.get(reverse("desk:calendar", args=[office.slug]) + "?month=1900-01").status_code
        == 200
    )


@pytest.mark.parametrize(
    "month",
    [
        "0001-01",
        "9999-12",
        "1900-01",
        "2200-12",
        "-5-3",
        "2026-0",
        "2026-13",
        "99999999999999999999-1",
        "2026-99999999999999999999",
        "abc",
        "",
        "2026-06-01",
    ],
)
def test_the_desk_calendar_takes_any_month(client, office, editor, month):
    client.force_login(editor)
    response = client.get(reverse("desk:calendar", args=[office.slug]), {"month": month})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "query",
    [
        {"page": "99999999999999999999"},
        {"page": "-99999999999999999999"},
        {"page": "1e9"},
        {"page": "٣"},
        {"page": "0x10"},
        {"q": "linde", "page": "99999999999999999999"},
        {"q": "x" * 5000},
    ],
)
@pytest.mark.parametrize(
    "path", ["/{o}/", "/{o}/suche/", "/{o}/termine/", "/{o}/kategorie/press_release/"]
)
def test_newsroom_query_parameters_out_of_range(client, office, published, path, query):
    response = client.get(path.format(o=office.slug), query)
    assert response.status_code in (200, 404)


@pytest.mark.parametrize("page", ["99999999999999999999", "-1", "abc", "1e3"])
def test_the_inbox_page_number_out_of_range(client, office, agent, page):
    client.force_login(agent)
    response = client.get(reverse("desk:inbox", args=[office.slug]), {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "hours",
    [{"0": 5}, {"0": True}, {"0": [["08:00", "16:00"]], "1": 3.5}, [["08:00", "16:00"]], "x"],
)
def test_working_hours_that_are_not_lists_of_periods_are_refused(hours):
    from django.core.exceptions import ValidationError

    from rathaus.offices.models import validate_working_hours

    with pytest.raises(ValidationError):
        validate_working_hours(hours)


def test_correcting_a_published_post_with_an_impossible_time_is_a_form_error(
    client, office, published, approver
):
    client.force_login(approver)
    response = client.post(
        reverse("desk:post_correct", args=[office.slug, published.pk]),
        {**_post_data(event_start="0001-01-01T00:00"), "note": "Uhrzeit korrigiert"},
    )
    assert response.status_code == 200
    assert "event_start" in response.context["form"].errors
    published.refresh_from_db()
    assert published.event_start is None and published.corrected_at is None


def test_a_retention_period_longer_than_the_calendar_keeps_everything(office, other_office):
    """An admin typing 1,000,000,000 days must not stop the daily job for every office."""
    from django.utils import timezone

    from rathaus.inbox import retention

    office.retention_days = 1_000_000_000
    office.save(update_fields=["retention_days"])
    assert list(retention.expired(office, timezone.now())) == []
    assert retention.anonymise_expired() == 0
