"""The accessibility statement, the pages in Leichte Sprache and sign language and their
settings page, in a real browser: no WCAG 2.1 A/AA finding of axe-core, no CSP violation,
nothing loaded from another host, nothing wider than a phone; the settings' errors are
read with their fields."""

from datetime import date

import pytest

from tests.browser.helpers import (
    PolicyWatch,
    description_problems,
    log_in,
    phone_overflow,
    violations,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def accessible_office(office):
    office.accessibility_status = "partial"
    office.accessibility_limitations = (
        "Ältere PDF-Dokumente sind nicht barrierefrei.\n\n"
        "Einige Videos haben noch keine Untertitel."
    )
    office.accessibility_statement_date = date(2026, 9, 1)
    office.accessibility_enforcement_body = (
        "Schlichtungsstelle nach § 16 BGG\nMauerstraße 53, 10117 Berlin"
    )
    office.accessibility_enforcement_url = "https://www.schlichtungsstelle-bgg.de/"
    office.easy_language_text = "## Das Bezirks·amt\n\nWir helfen Ihnen.\n\n- Pass\n- Wohnung"
    office.sign_language_video_url = "https://presse.mitte.example/videos/dgs.mp4"
    office.sign_language_transcript = "Willkommen beim Bezirksamt Mitte."
    office.save()
    return office


def test_the_public_pages_pass_axe_and_fit_a_phone(
    page, live_server, accessible_office, outside_requests
):
    watch = PolicyWatch(page)
    slug = accessible_office.slug
    found = {}
    for path in ("", "barrierefreiheit/", "leichte-sprache/", "gebaerdensprache/"):
        response = page.goto(f"{live_server.url}/{slug}/{path}")
        assert response.status == 200, path
        assert response.headers.get("set-cookie") is None, path
        if problems := violations(page) + watch.reports() + phone_overflow(page):
            found[path] = problems
    # The pictograms are the newsroom's own files and load.
    page.goto(f"{live_server.url}/{slug}/")
    loaded = page.evaluate(
        "[...document.querySelectorAll('.access-links img')].map(i => i.naturalWidth > 0)"
    )
    assert loaded == [True, True]
    assert page.context.cookies() == []
    assert found == {}
    assert outside_requests == []


def test_the_settings_page_passes_axe_with_and_without_errors(
    page, live_server, office, office_admin, outside_requests
):
    log_in(page, live_server.url, office_admin.username)
    page.goto(f"{live_server.url}/desk/{office.slug}/einstellungen/barrierefreiheit/")
    assert violations(page) + phone_overflow(page) == []
    page.fill("main [name=sign_language_video_url]", "javascript:alert(1)")
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    assert violations(page) == []
    assert description_problems(page) == []
    assert phone_overflow(page) == []
    assert outside_requests == []
