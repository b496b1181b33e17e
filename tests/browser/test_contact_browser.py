"""A citizen writes through the contact form in a real browser (with the optional proof of
work switched on, so pow.js runs), an agent answers from the inbox on the desk in a browser
of their own, and the citizen reads the answer via the follow link; the pages pass axe's
WCAG checks and load nothing from other hosts."""

import pytest

from rathaus.inbox.models import Conversation
from rathaus.lib import spam
from tests.browser.helpers import log_in, violations

pytestmark = pytest.mark.browser


def _answer_on_the_desk(browser, base: str, agent, conversation, text: str) -> None:
    desk = browser.new_context(locale="de-DE").new_page()
    log_in(desk, base, agent.username)
    desk.goto(f"{base}/desk/{conversation.office.slug}/anfragen/")
    assert conversation.reference in desk.inner_text("main")
    desk.goto(f"{base}/desk/{conversation.office.slug}/anfragen/{conversation.pk}/")
    desk.wait_for_selector("#reply textarea")
    assert violations(desk) == []
    desk.fill("#reply textarea", text)
    desk.click("#reply button.primary")
    desk.wait_for_load_state()
    desk.context.close()


def test_a_citizen_asks_and_reads_the_answer(
    page, browser, live_server, office, agent, settings, outside_requests
):
    settings.CONTACT_PROOF_OF_WORK_BITS = 8
    page.goto(f"{live_server.url}/mitte/kontakt/")
    assert violations(page) == []
    page.fill("[name=name]", "Anna Anwohnerin")
    page.fill("[name=message]", "Die Bank am Teich ist kaputt.")
    page.click("form.contact-form button[type=submit]")
    page.wait_for_selector(".reference")
    assert violations(page) == []
    conversation = Conversation.objects.get()
    message = conversation.messages.get()
    nonce_id = message.remote_id.removeprefix("contact:")
    assert len(nonce_id) == 32  # a form nonce, with the browser's proof of work accepted
    assert page.inner_text(".reference") == conversation.reference

    page.click("a.follow-link")
    page.wait_for_selector(".conversation")
    follow_url = page.url
    _answer_on_the_desk(
        browser, live_server.url, agent, conversation, "Wir reparieren sie diese Woche."
    )
    page.goto(follow_url)
    assert "Wir reparieren sie diese Woche." in page.inner_text(".conversation")
    assert violations(page) == []

    page.fill("[name=message]", "Danke!")
    page.click("form.contact-form button[type=submit]")
    page.wait_for_selector(".success")
    assert "Danke!" in page.inner_text(".conversation")
    assert conversation.messages.count() == 3
    assert outside_requests == []
    assert page.context.cookies() == []


def test_the_form_works_without_javascript_when_proof_of_work_is_off(browser, live_server, office):
    context = browser.new_context(java_script_enabled=False, locale="de-DE")
    page = context.new_page()
    page.goto(f"{live_server.url}/mitte/kontakt/")
    page.fill("[name=message]", "Ohne JavaScript geschrieben.")
    page.click("form.contact-form button[type=submit]")
    page.wait_for_selector(".reference")
    assert Conversation.objects.get().subject == "Ohne JavaScript geschrieben."
    assert spam.proof_of_work_bits() == 0
    context.close()
