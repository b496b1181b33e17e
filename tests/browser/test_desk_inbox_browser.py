"""The inbox in a real browser: no axe-core WCAG violations on its pages, the keyboard
shortcuts work and never fire while typing, and htmx switches queues without reloading."""

import pytest
from playwright.sync_api import expect

from rathaus.inbox import inbound, notices, work
from rathaus.inbox.models import Conversation
from tests.browser.helpers import log_in, violations

pytestmark = pytest.mark.browser


@pytest.fixture
def conversations(office, office_admin, agent):
    made = []
    for n in range(3):
        message, _new = inbound.receive(
            inbound.InboundMessage(
                office=office,
                channel="fediverse",
                remote_id=f"https://social.example/statuses/{n}",
                text_html=f"<p>Frage Nummer {n}</p>",
                author_name=f"Person {n}",
                is_public=True,
            )
        )
        made.append(message.conversation)
    work.add_note(made[0], "Intern: bitte bis Freitag", by=agent)
    work.assign(made[1], to=office_admin, by=office_admin)
    notices.mentioned(made[0], [office_admin], by=agent)
    return made


def test_the_inbox_pages_have_no_axe_violations(page, live_server, office_admin, conversations):
    base = live_server.url
    log_in(page, base, office_admin.username)
    found = {}
    for path in [
        "/desk/mitte/anfragen/",
        f"/desk/mitte/anfragen/{conversations[0].pk}/",
        "/desk/mitte/benachrichtigungen/",  # the one notifications page, the inbox's too
        "/desk/mitte/anfragen/buergerdaten/",
    ]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")  # the navigation's count comes by htmx
        for details in page.locator("details").all():
            details.evaluate("element => element.open = true")  # check what they hide too
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def _focused(page) -> str:
    return page.evaluate("document.activeElement.textContent.trim()")


def test_j_and_k_walk_the_queue_and_enter_opens(page, live_server, office_admin, conversations):
    base = live_server.url
    log_in(page, base, office_admin.username)
    page.goto(f"{base}/desk/mitte/anfragen/")
    newest_first = [c.subject for c in reversed(conversations)]
    page.keyboard.press("j")
    assert _focused(page) == newest_first[0]
    page.keyboard.press("j")
    assert _focused(page) == newest_first[1]
    page.keyboard.press("k")
    assert _focused(page) == newest_first[0]
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/anfragen/{conversations[-1].pk}/")
    # On the conversation, j opens the next one in the queue.
    page.keyboard.press("j")
    page.wait_for_url(f"**/anfragen/{conversations[-2].pk}/")


def test_keys_act_on_the_page_but_not_while_typing(page, live_server, office_admin, conversations):
    base = live_server.url
    log_in(page, base, office_admin.username)
    conversation = conversations[0]
    url = f"{base}/desk/mitte/anfragen/{conversation.pk}/"
    page.goto(url)
    page.keyboard.press("n")
    assert page.evaluate("document.activeElement.id") == "id_note-text"
    page.keyboard.type("jkrane?")  # every shortcut letter, typed into the note
    assert page.input_value("#id_note-text") == "jkrane?"
    assert page.url == url
    conversation.refresh_from_db()
    assert conversation.assignee is None
    assert conversation.status != Conversation.Status.CLOSED
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("r")
    assert page.evaluate("document.activeElement.id") == "id_reply-text"
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("?")
    assert page.evaluate("document.getElementById('shortcuts').open") is True
    page.evaluate("document.activeElement.blur()")
    with page.expect_navigation():
        page.keyboard.press("a")
    conversation.refresh_from_db()
    assert conversation.assignee == office_admin


def test_switching_queues_and_searching_do_not_reload_the_page(
    page, live_server, office_admin, conversations
):
    base = live_server.url
    log_in(page, base, office_admin.username)
    page.goto(f"{base}/desk/mitte/anfragen/")
    page.evaluate("window.stillTheSamePage = true")
    with page.expect_response(lambda r: "queue=mine" in r.url):
        page.click("nav.queues a[href$='queue=mine']")
    page.wait_for_url("**/anfragen/?queue=mine")
    assert page.locator("table.inbox tbody tr").count() == 1
    assert page.evaluate("window.stillTheSamePage") is True
    page.fill("#inbox-q", "Nummer 2")
    with page.expect_response(lambda r: "q=Nummer" in r.url):
        page.press("#inbox-q", "Enter")
    page.wait_for_url("**q=Nummer%202**")
    assert page.evaluate("window.stillTheSamePage") is True
    assert page.locator("table.inbox tbody tr").count() == 0  # mine holds no "Nummer 2"
    page.go_back()
    page.wait_for_url("**/anfragen/?queue=mine")
    # htmx keeps no copy of the page in sessionStorage (citizens' data): going back loads it.
    expect(page.locator("table.inbox tbody tr")).to_have_count(1)
