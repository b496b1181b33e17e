"""The newsroom's error pages and a post with a long pasted address, in a real browser: no
WCAG 2.1 A/AA violation axe-core finds, no Content-Security-Policy violation, nothing loaded
from another host, and no horizontal scrolling on a 320 px screen."""

from __future__ import annotations

import pytest

from rathaus.newsroom import views
from rathaus.posts import lifecycle
from tests.browser.helpers import PolicyWatch, violations

pytestmark = pytest.mark.browser

NARROW = {"width": 320, "height": 640}
LONG_ADDRESS = "https://bauamt.example/" + "planungsunterlagen-" * 8 + "lindenallee"


def _wider_than_the_screen(page) -> int:
    page.set_viewport_size(NARROW)
    page.wait_for_function("window.innerWidth === 320")
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_a_long_address_wraps_on_a_narrow_screen(page, live_server, publish_post):
    post = publish_post(
        title="Ersatzpflanzung", body=f"Unterlagen: {LONG_ADDRESS}", category="notice"
    )
    page.goto(live_server.url + post.get_absolute_url())
    assert page.locator(f'.prose a[href="{LONG_ADDRESS}"]').count() == 1
    assert _wider_than_the_screen(page) <= 0


def test_the_error_pages_are_accessible_and_fit_a_phone(
    page, live_server, outside_requests, published, approver, monkeypatch
):
    watch = PolicyWatch(page)
    gone = lifecycle.withdraw(published, by=approver, reason="Termin entfällt.")
    found = {}
    for path, status in [
        ("/mitte/gibt-es-nicht/", 404),
        ("/niemand/", 404),
        (gone.get_absolute_url(), 410),
    ]:
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(live_server.url + path)
        assert response.status == status, path
        problems = violations(page) + watch.reports()
        if (wider := _wider_than_the_screen(page)) > 0:
            problems.append(f"{wider}px wider than 320 px")
        if problems:
            found[path] = problems
    monkeypatch.setattr(views, "page_of", _failing)
    response = page.goto(live_server.url + "/mitte/")
    assert response.status == 500
    assert page.locator("html").get_attribute("lang") == "de"
    if problems := violations(page) + watch.reports():
        found["500"] = problems
    assert found == {}
    assert outside_requests == []


def _failing(*args, **kwargs):
    raise RuntimeError("simulated failure")


def test_the_front_page_with_ways_to_follow_is_accessible_and_fits_a_phone(
    page, live_server, outside_requests, published, account, with_image_post
):
    from rathaus.connectors.models import ConnectedAccount

    ConnectedAccount.objects.create(
        office=published.office,
        platform="bluesky",
        name="Mitte",
        remote_id="1",
        access_token="t",
        details={"handle": "bezirksamt-musterstadt-mitte.bsky.social"},
    )
    watch = PolicyWatch(page)
    page.goto(f"{live_server.url}/{published.office.slug}/")
    assert page.locator(".follow-address").count() == 1
    assert page.locator(".teaser-image").count() == 1
    assert violations(page) + watch.reports() == []
    assert _wider_than_the_screen(page) <= 0
    assert outside_requests == []


@pytest.fixture
def with_image_post(publish_post, tiny_png):
    image = {"file": tiny_png, "alt_text": "Linde", "author": "Amt", "licence": "CC0"}
    return publish_post(title="Mit Bild", body="- eins\n- zwei", category="notice", images=[image])
