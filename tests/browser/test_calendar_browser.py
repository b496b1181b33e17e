"""The calendar in a browser: no axe findings on its pages, nothing wider than a phone,
no CSP reports, and dragging a scheduled post to another hour moves it."""

from datetime import UTC, datetime, time, timedelta

import pytest

from rathaus.offices import local_time
from rathaus.offices.models import Membership, Role
from rathaus.posts import lifecycle, planning
from rathaus.posts.models import Post
from tests.browser.helpers import PolicyWatch, log_in, phone_overflow, violations

pytestmark = pytest.mark.browser


@pytest.fixture
def planner(approver, office):
    """Approver and editor at once, so every link and form of the calendar shows."""
    Membership.objects.create(user=approver, office=office, role=Role.EDITOR)
    return approver


@pytest.fixture
def scheduled(office, draft, editor, approver):
    """Scheduled for 10:00 local, three days ahead (a weekday or not, it is in the week)."""
    day = local_time.utc_to_local(datetime.now(UTC), office.zone).date() + timedelta(days=3)
    at = local_time.local_to_utc(datetime.combine(day, time(10)), office.zone)
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    return lifecycle.schedule(draft, by=approver, at=at)


def test_the_calendar_pages_pass_axe_fit_a_phone_and_keep_the_csp(
    page, live_server, office, planner, scheduled
):
    planning.add_slot(office, by=planner, weekday=1, at=time(10), category="press_release")
    watch = PolicyWatch(page)
    base = live_server.url
    log_in(page, base, planner.username)
    day = local_time.utc_to_local(scheduled.publish_at, office.zone).date()
    found = {}
    for path in (
        f"/desk/{office.slug}/kalender/?category=short_notice",
        f"/desk/{office.slug}/kalender/woche/?week={day}&channel=newsroom",
        f"/desk/{office.slug}/kalender/woche/?channel=nirgends",
        f"/desk/{office.slug}/kalender/{scheduled.pk}/verschieben/",
        f"/desk/{office.slug}/kalender/import/",
        f"/desk/{office.slug}/kalender/zeitfenster/",
    ):
        page.goto(base + path)
        problems = violations(page) + phone_overflow(page)
        if problems:
            found[path] = problems
    assert found == {}
    page.goto(f"{base}/desk/{office.slug}/kalender/woche/?week={day}")
    assert scheduled.title in page.locator("table.week").inner_text()
    assert watch.reports() == []


def test_the_import_preview_passes_axe(page, live_server, office, planner, tmp_path):
    base = live_server.url
    log_in(page, base, planner.username)
    page.goto(f"{base}/desk/{office.slug}/kalender/import/")
    upload = tmp_path / "plan.csv"
    upload.write_text(
        'title;text;category;time\r\nA;"Zwei\r\nZeilen";;2099-01-05 10:00\r\nB;;;\r\n'
    )
    page.set_input_files("input[type=file]", str(upload))
    page.click("main button[type=submit]")
    page.wait_for_selector("#h-refused")
    assert violations(page) + phone_overflow(page) == []
    page.click("button[name=confirm]")
    page.wait_for_selector(".message-success")
    (post,) = Post.objects.filter(office=office)
    assert (post.title, post.body, post.status) == ("A", "Zwei\nZeilen", Post.Status.DRAFT)


def test_dragging_a_post_to_another_hour_moves_it(page, live_server, office, planner, scheduled):
    base = live_server.url
    log_in(page, base, planner.username)
    day = local_time.utc_to_local(scheduled.publish_at, office.zone).date()
    page.goto(f"{base}/desk/{office.slug}/kalender/woche/?week={day}")
    target = f'td[data-slot="{day}T14:00"]'
    # The script's events as the browser sends them (headless chromium does not start a
    # native drag from Playwright's mouse): the same handlers run.
    transfer = page.evaluate_handle("() => new DataTransfer()")
    page.dispatch_event("li[draggable=true]", "dragstart", {"dataTransfer": transfer})
    page.dispatch_event(target, "dragover", {"dataTransfer": transfer})
    assert "drop-target" in page.get_attribute(target, "class")
    page.dispatch_event(target, "drop", {"dataTransfer": transfer})
    page.wait_for_selector(".message-success")
    scheduled.refresh_from_db()
    moved = local_time.utc_to_local(scheduled.publish_at, office.zone)
    assert (moved.date(), moved.hour, moved.minute) == (day, 14, 0)
    assert scheduled.title in page.locator(f"{target} li").inner_text()
