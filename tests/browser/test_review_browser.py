"""The review flow in a browser: the delivery panel follows the channels by itself (htmx
polling under the desk's CSP) and stops once all have settled; the review page shows every
channel's text; the pages of the flow have no axe findings."""

from datetime import time

import pytest

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from rathaus.posts.models import FixedSlot
from tests.browser.helpers import log_in, violations

pytestmark = pytest.mark.browser

LONG = " ".join(["Die Lindenallee wird zwischen Hausnummer 4 und 40 gesperrt."] * 12)


def test_the_delivery_panel_updates_itself_until_settled(page, live_server, approver, published):
    published.deliveries.update(status=Delivery.Status.QUEUED)
    log_in(page, live_server.url, approver.username)
    polls = []
    page.on("request", lambda r: polls.append(r.url) if "/zustellungen/" in r.url else None)
    page.goto(f"{live_server.url}/desk/{published.office.slug}/beitraege/{published.pk}/")
    assert page.locator("#deliveries[hx-trigger]").count() == 1

    published.deliveries.update(status=Delivery.Status.PUBLISHED)
    page.locator("#deliveries .delivery-published").first.wait_for(timeout=8000)
    assert page.locator("#deliveries[hx-trigger]").count() == 0
    seen = len(polls)
    assert seen >= 1
    page.wait_for_timeout(4000)  # longer than the interval: no request follows
    assert len(polls) == seen


def _axe(page, base, paths) -> dict:
    found = {}
    for path in paths:
        page.goto(base + path)
        if problems := violations(page):
            found[path] = problems
    return found


def test_the_review_page_shows_every_channel(page, live_server, office, editor, approver):
    ConnectedAccount.objects.create(
        office=office, platform="bluesky", name="mitte.bsky.social", remote_id="did:plc:m"
    )
    post = lifecycle.create_draft(office, by=editor, title="Sperrung Lindenallee", body=LONG)
    lifecycle.submit(post, by=editor)
    log_in(page, live_server.url, approver.username)
    page.goto(f"{live_server.url}/desk/{office.slug}/beitraege/{post.pk}/")

    texts = page.locator("#channel-texts")
    assert texts.get_by_role("heading", name="Bluesky: mitte.bsky.social").is_visible()
    assert texts.locator("[data-channel^='bluesky'] ol.thread > li").count() > 1
    assert "gesperrt" in texts.locator("[data-channel='newsroom']").inner_text()
    assert violations(page) == []


def test_a_blocked_post_and_the_admins_dashboard_have_no_axe_findings(
    page, live_server, office, editor, approver, office_admin
):
    post = lifecycle.create_draft(office, by=editor, title="Sperrung Lindenallee", body=LONG)
    lifecycle.submit(post, by=editor)
    lifecycle.edit(post, by=approver, title="Sperrung der Lindenallee")  # nobody may approve
    log_in(page, live_server.url, office_admin.username)
    slug = office.slug
    paths = [f"/desk/{slug}/beitraege/{post.pk}/", f"/desk/{slug}/"]
    assert _axe(page, live_server.url, paths) == {}
    assert page.locator("#h-blocked").is_visible()  # the dashboard, last


def test_a_sent_back_post_and_the_authors_dashboard_have_no_axe_findings(
    page, live_server, office, editor, approver
):
    post = lifecycle.create_draft(office, by=editor, title="Sperrung Lindenallee", body="Text")
    lifecycle.submit(post, by=editor)
    lifecycle.send_back(post, by=approver, reason="Bitte die Uhrzeit ergänzen.")
    waiting = lifecycle.create_draft(office, by=editor, title="Baumfällung", body="Text")
    lifecycle.submit(waiting, by=editor)
    log_in(page, live_server.url, editor.username)
    slug = office.slug
    paths = [f"/desk/{slug}/", f"/desk/{slug}/beitraege/{post.pk}/"]
    assert _axe(page, live_server.url, paths) == {}
    assert "Bitte die Uhrzeit ergänzen." in page.locator("#sent-back").inner_text()


def test_the_schedule_slots_and_a_correction_have_no_axe_findings(
    page, live_server, office, editor, approver, published
):
    FixedSlot.objects.create(office=office, weekday=1, time=time(10, 30), label="Presse")
    scheduled = lifecycle.create_draft(office, by=editor, title="Sperrung", body="Text")
    lifecycle.submit(scheduled, by=editor)
    lifecycle.approve(scheduled, by=approver)
    account = ConnectedAccount.objects.create(
        office=office, platform="bluesky", name="mitte.bsky.social", remote_id="did:plc:m"
    )
    Delivery.objects.create(
        subject=published,
        channel=account.channel_key,
        content_hash=published.approved_hash,
        idempotency_key=f"{published.pk}:{account.channel_key}:publish:x",
        status=Delivery.Status.PUBLISHED,
    )
    log_in(page, live_server.url, approver.username)
    slug = office.slug
    paths = [
        f"/desk/{slug}/beitraege/{scheduled.pk}/",
        f"/desk/{slug}/beitraege/{published.pk}/korrigieren/",
    ]
    assert _axe(page, live_server.url, paths) == {}
    assert "mitte.bsky.social" in page.locator(".kept-old").inner_text()
    page.goto(live_server.url + paths[0])
    assert page.locator(".fixed-choices button", has_text="Presse").count() >= 1
