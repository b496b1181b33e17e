"""In a browser: the newsroom's language switch leads to the same page in the other
language and keeps it while reading on, and the pages it gives, the 400 page and the page
of a refused form have no WCAG 2.1 A/AA violations that axe-core can find."""

from __future__ import annotations

import pytest

from tests.browser.helpers import log_in, phone_overflow, violations

pytestmark = pytest.mark.browser


def test_the_switch_changes_the_chrome_and_keeps_the_choice(page, live_server, published):
    base = live_server.url
    slug = published.office.slug
    page.goto(f"{base}/{slug}/")  # the browser reads German (conftest)
    assert page.get_attribute("html", "lang") == "de"

    page.click(".language-switch a[hreflang=en]")
    page.wait_for_url(f"{base}/en/{slug}/")
    assert page.get_attribute("html", "lang") == "en"
    page.click(f"a[href='/en{published.get_absolute_url()}']")
    page.wait_for_url(f"{base}/en{published.get_absolute_url()}")
    assert page.get_attribute("article .prose", "lang") == "de"
    assert page.is_visible("text=This post is in German.")

    page.click(".language-switch a[hreflang=de]")
    page.wait_for_url(f"{base}/de{published.get_absolute_url()}")
    assert page.get_attribute("html", "lang") == "de"
    assert page.context.cookies() == []  # the choice lives in the address alone


def test_english_newsroom_pages_have_no_axe_violations(page, live_server, published):
    slug = published.office.slug
    found = {}
    for path in [
        f"/en/{slug}/",
        f"/en{published.get_absolute_url()}",
        f"/en/{slug}/datenschutz/",
        f"/en/{slug}/gibt-es-nicht/",
    ]:
        page.goto(live_server.url + path)
        if problems := violations(page) + phone_overflow(page):
            found[path] = problems
    assert found == {}


def test_the_400_page_has_no_axe_violations(page, live_server, office, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2  # the contact form sends more
    page.goto(f"{live_server.url}/en/{office.slug}/kontakt/")
    page.fill("[name=message]", "Die Bank am Teich ist kaputt.")
    page.click("form.contact-form button[type=submit]")
    page.wait_for_selector("text=Error code: 400")
    assert page.get_attribute("html", "lang") == "en"
    assert violations(page) == []


def test_a_refused_desk_form_shows_the_text_and_has_no_axe_violations(
    page, live_server, office, editor
):
    base = live_server.url
    log_in(page, base, editor.username)
    page.goto(f"{base}/desk/{office.slug}/beitraege/neu/")
    page.fill("[name=title]", "Baumfällung")
    page.fill("[name=body]", "Am Montag werden zwei Linden gefällt.")
    page.context.clear_cookies(name="csrftoken")  # as if the page had been open too long
    page.click("form.post-form button.primary")
    page.wait_for_selector("#typed-heading")

    assert "Fehlercode: 403" in page.content()
    values = page.eval_on_selector_all(".typed-text textarea", "els => els.map(e => e.value)")
    assert "Am Montag werden zwei Linden gefällt." in values
    assert violations(page) == []
