"""The sent-back flow with its notification, in a browser: the editor submits, the approver
sends the post back with a reason, the editor sees the unread count in the header, opens
the notification and lands on the post, reason in view. The notifications page has no axe
findings."""

import pytest

from rathaus.notifications.models import Notification
from rathaus.posts import lifecycle
from rathaus.posts.models import Post
from tests.browser.helpers import log_in, violations

pytestmark = pytest.mark.browser

REASON = "Bitte die Uhrzeit der Sperrung ergänzen."


def _as(browser, live_server, user):
    """A browser window of ``user``'s own (their own cookies), logged in."""
    page = browser.new_context(locale="de-DE").new_page()
    log_in(page, live_server.url, user.username)
    return page


def test_a_post_sent_back_reaches_its_editor(browser, live_server, office, editor, approver):
    post = lifecycle.create_draft(office, by=editor, title="Sperrung Lindenallee", body="Text")
    post_path = f"/desk/{office.slug}/beitraege/{post.pk}/"

    as_editor = _as(browser, live_server, editor)
    as_editor.goto(live_server.url + post_path)
    as_editor.click("form[action$='/schritt/submit/'] button[type=submit]")
    as_editor.wait_for_load_state()
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW

    as_approver = _as(browser, live_server, approver)
    as_approver.goto(live_server.url + post_path)
    send_back = as_approver.locator("form[action$='/schritt/send_back/']")
    send_back.locator("textarea, input[type=text]").first.fill(REASON)
    send_back.locator("button[type=submit]").click()
    as_approver.wait_for_load_state()
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT

    as_editor.goto(f"{live_server.url}/desk/{office.slug}/")
    link = as_editor.locator(".desk-nav a", has=as_editor.locator(".notification-count"))
    link.wait_for(timeout=8000)  # the count comes after the page (htmx)
    assert "1 ungelesen" in link.inner_text()
    link.click()
    as_editor.wait_for_url(f"**/desk/{office.slug}/benachrichtigungen/")
    assert violations(as_editor) == []
    notification = as_editor.locator("ul.notifications li.unread a")
    assert REASON in notification.inner_text()
    notification.click()
    as_editor.wait_for_url(live_server.url + post_path)
    assert as_editor.get_by_text(REASON).first.is_visible()
    assert Notification.objects.get(user=editor).read_at is not None
    as_editor.goto(f"{live_server.url}/desk/{office.slug}/")
    as_editor.wait_for_load_state("networkidle")
    assert as_editor.locator(".notification-count").count() == 0
