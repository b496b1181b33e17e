"""The calendar's week view and the filter both views share: posts at their local hour,
free hours that start a post for that time, links that keep the filter."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.urls import reverse

from rathaus.delivery.models import ChannelDefault
from rathaus.offices.models import Role
from rathaus.posts import lifecycle
from tests.helpers import log_in, make_user

pytestmark = pytest.mark.usefixtures("english_messages")

NOW = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)  # Friday 10:00 in Berlin


def _scheduled(office, editor, approver, at, **fields):
    post = lifecycle.create_draft(
        office, by=editor, **{"title": "Sitzung", "body": "Tagesordnung.", **fields}
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    return lifecycle.schedule(post, by=approver, at=at)


def _week(client, office, **query):
    return client.get(reverse("desk:calendar_week", args=[office.slug]), query)


def _slot(response, value):
    for _hour, slots in response.context["week"].rows:
        for slot in slots:
            if slot.value == value:
                return slot
    raise AssertionError(value)


@time_machine.travel(NOW, tick=False)
def test_a_scheduled_post_stands_at_its_local_hour(client, office, editor, approver):
    # Monday 23 March, 07:30 UTC is 08:30 in Berlin (still winter time).
    post = _scheduled(office, editor, approver, datetime(2026, 3, 23, 7, 30, tzinfo=UTC))
    log_in(client, editor)
    response = _week(client, office, week="2026-W13")

    assert response.status_code == 200
    assert response.context["week"].monday.isoformat() == "2026-03-23"
    assert [e.post.pk for e in _slot(response, "2026-03-23T08:00").entries] == [post.pk]
    html = response.content.decode()
    assert post.title in html and "08:30" in html
    assert "week=2026-03-16" in html and "week=2026-03-30" in html
    assert "month=2026-03" in html  # the toggle back to the month


@time_machine.travel(NOW, tick=False)
def test_free_future_hours_start_a_post_for_that_time(client, office, editor, approver):
    _scheduled(office, editor, approver, datetime(2026, 3, 23, 7, 30, tzinfo=UTC))
    log_in(client, editor)
    html = _week(client, office, week="2026-03-18").content.decode()
    new = reverse("desk:post_new", args=[office.slug])
    assert f"{new}?publish_at=2026-03-20T11:00" in html  # later today
    assert f"{new}?publish_at=2026-03-20T10:00" not in html  # has begun
    assert f"{new}?publish_at=2026-03-19T11:00" not in html  # past

    form = client.get(new, {"publish_at": "2026-03-20T11:00"})
    assert form.context["form"].initial["publish_at"] == datetime(2026, 3, 20, 11, 0)
    assert 'value="2026-03-20T11:00"' in form.content.decode()


@time_machine.travel(NOW, tick=False)
def test_a_bad_time_for_the_post_form_is_left_out(client, office, editor):
    log_in(client, editor)
    new = reverse("desk:post_new", args=[office.slug])
    for value in ("morgen", "2026-02-30T10:00", "99999-01-01T10:00", "10:00"):
        response = client.get(new, {"publish_at": value})
        assert response.status_code == 200
        assert "publish_at" not in response.context["form"].initial


@time_machine.travel(NOW, tick=False)
def test_the_hour_the_clocks_skip_offers_no_post(client, office, editor, approver):
    # A post at Saturday 02:30 puts the night hour into the week; on Sunday 29 March the
    # clocks go from 02:00 straight to 03:00.
    _scheduled(office, editor, approver, datetime(2026, 3, 28, 1, 30, tzinfo=UTC))
    log_in(client, editor)
    response = _week(client, office, week="2026-W13")
    assert _slot(response, "2026-03-28T02:00").entries
    assert _slot(response, "2026-03-27T02:00").open
    skipped = _slot(response, "2026-03-29T02:00")
    assert not skipped.exists and not skipped.open
    html = response.content.decode()
    assert "publish_at=2026-03-27T02:00" in html
    assert "publish_at=2026-03-29T02:00" not in html
    assert 'data-slot="2026-03-29T02:00" class="skipped"' in html


@time_machine.travel(NOW, tick=False)
def test_who_cannot_write_gets_no_new_post_links(client, office):
    agent = make_user("ali.agent", office, Role.AGENT)
    log_in(client, agent)
    response = _week(client, office, week="2026-W13")
    assert response.status_code == 200
    assert "publish_at=" not in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_filter_by_category_keeps_itself_in_every_link(client, office, editor, approver):
    meeting = _scheduled(
        office, editor, approver, datetime(2026, 3, 24, 9, tzinfo=UTC), category="meeting"
    )
    notice = _scheduled(
        office, editor, approver, datetime(2026, 3, 24, 10, tzinfo=UTC), title="Baustelle"
    )
    log_in(client, editor)
    response = _week(client, office, week="2026-W13", category="meeting")
    shown = [e.post.pk for e in response.context["week"].entries]
    assert shown == [meeting.pk]
    html = response.content.decode()
    assert "week=2026-03-16&amp;category=meeting" in html
    assert "month=2026-03&amp;category=meeting" in html

    month = client.get(
        reverse("desk:calendar", args=[office.slug]), {"month": "2026-03", "category": "meeting"}
    )
    titles = [e.post.pk for w in month.context["month"].weeks for d in w for e in d.entries]
    assert meeting.pk in titles and notice.pk not in titles
    assert "week=" in month.content.decode() and "category=meeting" in month.content.decode()


@time_machine.travel(NOW, tick=False)
def test_the_filter_by_channel_follows_the_category_defaults(
    client, office, editor, approver, scripted_channel
):
    # The office sends meetings to the newsroom only, not to the scripted channel.
    ChannelDefault.objects.create(office=office, category="meeting", channels=[])
    meeting = _scheduled(
        office, editor, approver, datetime(2026, 3, 24, 9, tzinfo=UTC), category="meeting"
    )
    notice = _scheduled(office, editor, approver, datetime(2026, 3, 24, 10, tzinfo=UTC))
    log_in(client, editor)

    to_scripted = _week(client, office, week="2026-W13", channel="scripted")
    assert [e.post.pk for e in to_scripted.context["week"].entries] == [notice.pk]
    to_newsroom = _week(client, office, week="2026-W13", channel="newsroom")
    assert {e.post.pk for e in to_newsroom.context["week"].entries} == {meeting.pk, notice.pk}


@time_machine.travel(NOW, tick=False)
def test_a_filter_that_is_no_choice_is_an_error_and_filters_nothing(
    client, office, editor, approver
):
    post = _scheduled(office, editor, approver, datetime(2026, 3, 24, 9, tzinfo=UTC))
    log_in(client, editor)
    for query in ({"channel": "nowhere"}, {"category": "<script>"}, {"week": "2026-W99"}):
        response = _week(client, office, **query)
        assert response.status_code == 200
        if "week" not in query:
            assert response.context["filter_form"].errors
    response = _week(client, office, week="2026-W13", channel="nowhere")
    assert [e.post.pk for e in response.context["week"].entries] == [post.pk]
    assert "week=2026-03-16&amp;channel" not in response.content.decode()


def test_bad_weeks_fall_back_to_this_week(client, office, editor):
    log_in(client, editor)
    with time_machine.travel(NOW, tick=False):
        for value in ("", "2026-W54", "0000-W01", "x-W1", "2026-02-30", "9" * 30):
            response = _week(client, office, week=value)
            assert response.status_code == 200
            assert response.context["week"].monday.isoformat() == "2026-03-16"


def test_another_office_sees_no_week(client, office, outsider):
    log_in(client, outsider)
    assert _week(client, office).status_code == 404
    assert client.get(reverse("desk:calendar", args=[office.slug])).status_code == 404
