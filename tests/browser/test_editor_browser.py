"""The post editor in a browser: the live counters before saving show what the page shows
after saving (the typed text goes through htmx, with the line breaks a textarea sends), an
image chosen while writing is saved with the draft, and axe finds nothing, also with the
editor's refusals on the page."""

import pytest
from playwright.sync_api import expect

from rathaus.posts.models import Post, PostImage
from tests.browser.helpers import description_problems, log_in, phone_overflow, violations

pytestmark = pytest.mark.browser

TITLE = "Vollsperrung der Lindenallee zwischen Marktplatz und Bahnhofstraße wegen Kanalarbeiten"
LINES = [
    "Ab Montag ist die Lindenallee für drei Wochen voll gesperrt.",
    "Umleitung über die Parkstraße.",
    "Busse der Linie 12 halten an der Ersatzhaltestelle vor dem Rathaus.",
    "Die Anwohnerinnen und Anwohner erreichen ihre Grundstücke zu Fuß.",
]


@pytest.fixture
def bluesky(connect_account):
    return connect_account("bluesky", api_base="http://127.0.0.1:9", remote_id="did:plc:mitte")


def _counts(page) -> dict[str, str]:
    """Each channel's counter as the page shows it: characters and the thread's parts."""
    return page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("#preview .counter")].map(
            (c) => [c.querySelector("h3").textContent.trim(),
                    [c.querySelector("dd").textContent.trim(),
                     ...[...c.querySelectorAll(".channel-text")].map((p) => p.textContent)]
                    .join(" | ")]))"""
    )


def _write(page) -> None:
    page.fill("#id_title", TITLE)
    page.click("#id_body")
    for number, line in enumerate(LINES):
        if number:
            page.keyboard.press("Enter")
        page.keyboard.type(line)


def test_the_counts_before_saving_are_those_after(page, live_server, office, editor, bluesky):
    base = live_server.url
    log_in(page, base, editor.username)
    page.goto(f"{base}/desk/{office.slug}/beitraege/neu/")
    _write(page)
    counter = page.locator(f'#preview .counter[aria-labelledby="counter-{bluesky.channel_key}"]')
    counter.locator("dd").first.filter(has_text="/ 300").wait_for()
    page.locator("#preview .rendered", has_text="zu Fuß").wait_for()  # the last line is in
    before = _counts(page)

    page.click("button.primary")
    page.wait_for_url(f"{base}/desk/{office.slug}/beitraege/*/bearbeiten/")
    after = _counts(page)

    post = Post.objects.get()
    assert "\r" not in post.body
    assert before == after
    assert office.public_url(post.get_absolute_url()) in after[f"Bluesky: {bluesky.name}"]


def test_an_image_chosen_while_writing_is_saved_with_the_draft(
    page, live_server, office, editor, tmp_path
):
    from tests.helpers import png

    file = tmp_path / "bank.png"
    file.write_bytes(png().read())
    base = live_server.url
    log_in(page, base, editor.username)
    page.goto(f"{base}/desk/{office.slug}/beitraege/neu/")
    page.fill("#id_title", "Neue Bänke im Stadtpark")
    page.fill("#id_body", "Zwölf neue Bänke laden zum Verweilen ein.")
    page.set_input_files("#id_image-image", str(file))
    page.fill("#id_image-author", "Pressestelle Mitte")
    page.fill("#id_image-licence", "CC BY 4.0")

    page.click("button.primary")  # without alt text: refused, nothing typed is lost
    page.locator("#id_image-alt_text_error").wait_for()
    refused = {
        "axe": violations(page),
        "descriptions": description_problems(page),
        "phone": phone_overflow(page),
    }
    assert page.input_value("#id_title") == "Neue Bänke im Stadtpark"
    assert page.input_value("#id_image-author") == "Pressestelle Mitte"
    assert not Post.objects.exists()

    page.set_input_files("#id_image-image", str(file))
    page.fill("#id_image-alt_text", "Eine Holzbank unter einer Linde")
    page.click("button.primary")
    page.wait_for_url(f"{base}/desk/{office.slug}/beitraege/*/bearbeiten/")

    image = PostImage.objects.get()
    assert image.alt_text == "Eine Holzbank unter einer Linde"
    assert image.post == Post.objects.get()
    assert refused == {"axe": [], "descriptions": [], "phone": []}


def test_the_editor_has_no_axe_findings_with_channels_and_a_refusal(
    page, live_server, office, editor, connect_account
):
    connect_account("xing", api_base="https://www.xing.com", remote_id="1")
    base = live_server.url
    log_in(page, base, editor.username)
    page.goto(f"{base}/desk/{office.slug}/beitraege/neu/")
    found = {"new": violations(page) + phone_overflow(page)}
    page.fill("#id_title", "Sperrung")
    page.fill("#id_body", "Wort " * 700)
    page.click("button.primary")  # over Xing's 3,000 characters: stopped, with the fixes
    page.locator(".error-summary").wait_for()
    found["refused"] = violations(page) + description_problems(page) + phone_overflow(page)

    assert "Xing: Bezirksamt Mitte" in page.locator(".error-summary").inner_text()
    assert not Post.objects.exists()
    assert found == {"new": [], "refused": []}


def test_choosing_a_category_ticks_its_channels_until_the_editor_ticks_by_hand(
    page, live_server, office, editor, connect_account
):
    from rathaus.delivery.models import ChannelDefault

    xing = connect_account("xing", api_base="https://www.xing.com", remote_id="1")
    linkedin = connect_account("linkedin", api_base="http://127.0.0.1:9", remote_id="2")
    ChannelDefault.objects.create(
        office=office, category="meeting", channels=[linkedin.channel_key]
    )
    base = live_server.url
    log_in(page, base, editor.username)
    page.goto(f"{base}/desk/{office.slug}/beitraege/neu/")
    expect(page.get_by_role("checkbox", name="Xing: Bezirksamt Mitte")).to_be_checked()

    page.select_option("#id_category", "meeting")
    expect(page.get_by_role("checkbox", name="Xing: Bezirksamt Mitte")).not_to_be_checked()
    expect(page.get_by_role("checkbox", name="LinkedIn: Bezirksamt Mitte")).to_be_checked()

    page.get_by_role("checkbox", name="Xing: Bezirksamt Mitte").check()  # by hand: it stays
    page.get_by_role("checkbox", name="LinkedIn: Bezirksamt Mitte").uncheck()
    page.select_option("#id_category", "press_release")
    page.wait_for_timeout(1000)  # the preview has answered the change (and left the ticks)
    expect(page.get_by_role("checkbox", name="Xing: Bezirksamt Mitte")).to_be_checked()
    expect(page.get_by_role("checkbox", name="LinkedIn: Bezirksamt Mitte")).not_to_be_checked()
    page.fill("#id_title", "Sitzung des Ausschusses")
    page.fill("#id_body", "Am Dienstag tagt der Ausschuss.")
    page.click("button.primary")
    page.wait_for_url(f"{base}/desk/{office.slug}/beitraege/*/bearbeiten/")

    assert Post.objects.get().channels == sorted(["newsroom", xing.channel_key])
