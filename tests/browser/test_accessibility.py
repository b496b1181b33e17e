"""Newsroom and desk pages have no WCAG 2.1 A/AA violations that axe-core can find.

axe-core ships inside the axe-playwright-python package: nothing is fetched at run time.
It finds about half of all WCAG problems (contrast, names, labels, landmarks, structure);
keyboard use is checked separately below.
"""

import pytest

from tests.browser.helpers import log_in, violations
from tests.helpers import PASSWORD

pytestmark = pytest.mark.browser


def _newsroom_paths(post) -> list[str]:
    slug = post.office.slug
    return [
        f"/{slug}/",
        post.get_absolute_url(),
        f"/{slug}/suche/?q=Linden",
        f"/{slug}/termine/",
        f"/{slug}/impressum/",
        f"/{slug}/datenschutz/",
        f"/{slug}/kategorie/short-notice/",
        "/",
    ]


def test_the_newsroom_has_no_axe_violations(page, live_server, published):
    found = {}
    for path in _newsroom_paths(published):
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_the_desk_has_no_axe_violations(page, live_server, published, approver):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    assert violations(page) == []
    page.fill("input[name=login]", approver.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{base}/desk/**")
    slug = published.office.slug
    found = {}
    for path in [
        f"/desk/{slug}/",
        f"/desk/{slug}/beitraege/",
        f"/desk/{slug}/beitraege/neu/",
        f"/desk/{slug}/beitraege/{published.pk}/",
        f"/desk/{slug}/kalender/",
    ]:
        page.goto(base + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_the_newsroom_can_be_used_with_the_keyboard(page, live_server, published):
    page.goto(f"{live_server.url}/{published.office.slug}/")
    page.keyboard.press("Tab")
    target = page.evaluate("document.activeElement.getAttribute('href')")
    assert target.startswith("#"), "the first Tab stop is the skip link"
    assert page.evaluate(f"document.querySelector('{target}').tagName") == "MAIN"
    page.keyboard.press("Enter")
    for _ in range(40):  # walk on until the post's link has the focus, then open it
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent").strip() == published.title:
            break
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{published.get_absolute_url()}")
    assert page.locator("h1").inner_text() == published.title


def test_the_check_itself_finds_a_missing_label(page):
    """Control: a broken axe run would otherwise look like 'no violations'."""
    page.set_content('<html lang="de"><title>x</title><main><input type="text"></main></html>')
    assert any(problem.startswith("label:") for problem in violations(page))


def test_the_newsletter_pages_have_no_axe_violations(page, live_server, office):
    from rathaus.newsletter.models import NewsletterSettings

    NewsletterSettings.objects.create(office=office, enabled=True)
    found = {}
    for path in (f"/{office.slug}/newsletter/", f"/{office.slug}/newsletter/bitte-bestaetigen/"):
        page.goto(live_server.url + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}


def test_the_channels_pages_have_no_axe_violations(page, live_server, office, office_admin):
    from rathaus.connectors.models import ConnectedAccount

    ConnectedAccount.objects.create(
        office=office, platform="xing", name="mitte", remote_id="https://www.xing.com/pages/m"
    )
    base = live_server.url
    log_in(page, base, office_admin.username)
    found = {}
    for path in (
        f"/desk/{office.slug}/kanaele/",
        f"/desk/{office.slug}/kanaele/verbinden/mastodon/",
        f"/desk/{office.slug}/kanaele/verbinden/bluesky/",
    ):
        page.goto(base + path)
        if problems := violations(page):
            found[path] = problems
    assert found == {}
