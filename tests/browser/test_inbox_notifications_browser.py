"""A mention in an internal note reaches the colleague on the one notifications page, in a
browser: the count next to "Benachrichtigungen", the page without axe findings, the
notification leading to the conversation; a link to the inbox's old page ends there too."""

import pytest

from rathaus.inbox import work
from rathaus.notifications.models import Notification
from tests.browser.helpers import log_in, violations
from tests.helpers import ask

pytestmark = pytest.mark.browser


def test_a_mention_leads_from_the_one_page_to_the_conversation(
    browser, live_server, office, agent, office_admin
):
    question = ask(office, "<p>Die Linde vor Nr. 3</p>", channel="contact", remote_id="q:1")
    conversation = question.conversation
    work.add_note(conversation, f"@{agent.username} bitte ansehen", by=office_admin)
    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server.url, agent.username)

    page.goto(f"{live_server.url}/desk/{office.slug}/anfragen/benachrichtigungen/")
    page.wait_for_url(f"**/desk/{office.slug}/benachrichtigungen/")
    link = page.locator(".desk-nav a", has=page.locator(".notification-count"))
    link.wait_for(timeout=8000)  # the count comes after the page (htmx)
    assert "1 ungelesen" in link.inner_text()
    assert violations(page) == []
    notification = page.locator("ul.notifications li.unread a")
    assert "erwähnt" in notification.inner_text()
    notification.click()
    page.wait_for_url(f"{live_server.url}/desk/{office.slug}/anfragen/{conversation.pk}/")
    assert Notification.objects.get(user=agent).read_at is not None
