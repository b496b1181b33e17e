"""The pages issue 12 added to, in a real browser: the members page's inbox access, the
dashboard's inbox counts, the inbox rows with their due times — no axe-core WCAG findings,
nothing wider than a phone, and the checkbox is reached and ticked with the keyboard."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.inbox.models import Conversation
from tests.browser.helpers import log_in, phone_overflow, violations
from tests.helpers import ask

pytestmark = pytest.mark.browser


@pytest.fixture
def due_conversations(office):
    made = [
        ask(office, f"<p>Frage Nummer {n}</p>", remote_id=f"q:{n}").conversation for n in range(2)
    ]
    now = timezone.now()
    Conversation.objects.filter(pk=made[0].pk).update(first_response_due=now + timedelta(hours=3))
    Conversation.objects.filter(pk=made[1].pk).update(first_response_due=now - timedelta(days=2))
    return made


def _check(page, base: str, paths: list[str]) -> dict:
    found = {}
    for path in paths:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")  # the navigation's count comes by htmx
        if problems := violations(page) + phone_overflow(page):
            found[path] = problems
    return found


def test_the_pages_have_no_axe_violations_and_fit_a_phone(
    page, live_server, office, office_admin, due_conversations
):
    base = live_server.url
    log_in(page, base, office_admin.username)
    paths = [f"/desk/{office.slug}/", f"/desk/{office.slug}/mitglieder/"]
    paths.append(f"/desk/{office.slug}/anfragen/")
    assert _check(page, base, paths) == {}
    assert page.locator("table.inbox .due time[datetime]").count() == 2


def test_the_office_admin_opens_the_inbox_with_the_keyboard(
    page, live_server, office, office_admin
):
    base = live_server.url
    log_in(page, base, office_admin.username)
    page.goto(f"{base}/desk/{office.slug}/mitglieder/")
    checkbox = page.locator("#inbox-open-to-editors")
    checkbox.focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    with page.expect_navigation():  # the form's button comes next; it saves and comes back
        page.keyboard.press("Enter")
    office.refresh_from_db()
    assert office.inbox_open_to_editors
    assert page.locator("#inbox-open-to-editors").is_checked()
