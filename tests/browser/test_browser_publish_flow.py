"""An editor writes a post with an image, an approver approves and publishes it, and a
citizen finds it on the newsroom and in its feeds — with no cookie and no foreign host."""

import io
from urllib.parse import urljoin

import feedparser
import pytest
from PIL import Image

from rathaus.delivery.models import Delivery
from rathaus.posts.models import Post
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser
TITLE = "Radweg Lindenallee wird erneuert"


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "radweg.png"
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 80, 20)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def _step(page, step: str) -> None:
    page.click(f"form[action$='/schritt/{step}/'] button[type=submit]")
    page.wait_for_load_state()


def _write(page, base: str, photo) -> Post:
    page.goto(f"{base}/desk/mitte/beitraege/neu/")
    page.fill("[name=title]", TITLE)
    page.fill("[name=body]", "Ab **Montag** wird der Radweg zwischen Nr. 2 und 40 erneuert.")
    page.select_option("[name=category]", "short_notice")
    page.click("form.post-form button.primary")
    page.wait_for_load_state()
    post = Post.objects.get(title=TITLE)
    page.goto(f"{base}/desk/mitte/beitraege/{post.pk}/")
    page.set_input_files("[name=image-image]", str(photo))
    page.fill("[name=image-alt_text]", "Aufgerissener Radweg mit Baustellenbaken")
    page.fill("[name=image-author]", "Pressestelle Bezirksamt Mitte")
    page.fill("[name=image-licence]", "CC BY 4.0")
    page.click("form.image-form button[type=submit]")
    page.wait_for_load_state()
    _step(page, "submit")
    return post


def test_editor_writes_approver_publishes_citizen_reads(
    page, browser, live_server, office, editor, approver, photo
):
    base = live_server.url
    log_in(page, base, editor.username)
    post = _write(page, base, photo)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW and post.images.count() == 1

    page.context.clear_cookies()
    log_in(page, base, approver.username)
    page.goto(f"{base}/desk/mitte/beitraege/{post.pk}/")
    _step(page, "approve")
    _step(page, "publish")
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert Delivery.objects.get(post=post).status == Delivery.Status.PUBLISHED

    citizen = browser.new_context(locale="de-DE")
    reader = citizen.new_page()
    foreign: list[str] = []
    reader.on("request", lambda r: foreign.append(r.url) if not r.url.startswith(base) else None)
    reader.goto(f"{base}/mitte/")
    reader.click(f"text={TITLE}")
    reader.wait_for_load_state()
    assert reader.locator("h1").inner_text() == TITLE
    image = reader.locator("main img").first
    assert image.get_attribute("alt") == "Aufgerissener Radweg mit Baustellenbaken"
    assert image.evaluate("img => img.complete && img.naturalWidth > 0")

    for kind in ("rss+xml", "atom+xml"):
        href = reader.locator(f"link[rel=alternate][type='application/{kind}']").first
        url = urljoin(reader.url, href.get_attribute("href"))
        feed = feedparser.parse(reader.request.get(url).body())
        assert not feed.bozo, feed.bozo_exception
        assert TITLE in [entry.title for entry in feed.entries]

    assert citizen.cookies() == []
    assert foreign == []
    citizen.close()
