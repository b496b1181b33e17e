"""The pages issue 10 added or changed, in a real browser, in their normal and error states:
no WCAG 2.1 A/AA violation axe-core finds, no Content-Security-Policy violation, and no
horizontal scrolling on a phone (375 × 812).

The pages: login (wrong password, throttled), the second-factor step (wrong code), setting
up the authenticator app (QR code and the secret as text; wrong code), the members page and
its invitation form (with errors), the invitation link (valid, with errors, no longer
valid), the image form on a post (upload refused), a newsletter mailing that stopped, the
answer form per channel (what the channel can deliver), and the citizen's follow page with
their photo. Each test keeps one browser page and walks through its pages in order, so a
login is typed once per person.
"""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import Image

from tests.browser.helpers import (
    PolicyWatch,
    _current_code,
    description_problems,
    log_in,
    phone_overflow,
    violations,
)
from tests.helpers import PASSWORD, make_user, totp_code

pytestmark = pytest.mark.browser


# axe's best practices that BITV 2.0 asks for in substance (headings and landmarks give a
# screen reader's user the page's outline); not part of the WCAG tags above.
STRUCTURE = {
    "runOnly": {
        "type": "rule",
        "values": ["heading-order", "empty-heading", "page-has-heading-one", "region"],
    },
    "resultTypes": ["violations"],
}


def outline_problems(page) -> list[str]:
    """Headings inside a section named by its heading are below that heading: an error
    summary's heading at the section's own level would read as the start of a new section."""
    return page.evaluate(
        """() => {
        const problems = [];
        for (const section of document.querySelectorAll("section[aria-labelledby]")) {
            const title = document.getElementById(section.getAttribute("aria-labelledby"));
            if (!title || !/^H[1-6]$/.test(title.tagName)) continue;
            for (const heading of section.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
                if (heading !== title && heading.tagName <= title.tagName) {
                    problems.push(`${heading.tagName} "${heading.textContent.trim()}" `
                        + `in the ${title.tagName} section "${title.textContent.trim()}"`);
                }
            }
        }
        return problems;
    }"""
    )


@pytest.fixture
def survey(page):
    """A function checking the page shown now; findings by label, empty when all is well."""
    watch = PolicyWatch(page)
    found: dict[str, list[str]] = {}

    def check(label: str) -> None:
        page.wait_for_load_state("networkidle")
        problems = violations(page) + violations(page, STRUCTURE) + outline_problems(page)
        problems += description_problems(page)
        problems += [f"CSP: {report}" for report in watch.reports()] + phone_overflow(page)
        if problems:
            found[label] = problems

    check.found = found
    return check


@pytest.fixture
def shared_cache_cleared():
    """The login throttle lives in the shared cache (a database table the live server's
    flush does not empty): leave nothing throttled for the next test."""
    from django.core.cache import caches

    yield
    caches["shared"].clear()


def _german(message: str) -> str:
    with translation.override("de"):
        return translation.gettext(message)


def _submit_login(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def test_logging_in_with_its_error_states(
    page, live_server, office, office_admin, survey, shared_cache_cleared
):
    base = live_server.url
    page.goto(f"{base}/accounts/login/")
    survey("login")

    _submit_login(page, base, office_admin.username, "falsch-falsch-falsch")
    assert page.locator("main .field-error").count() == 1
    survey("login, wrong password")

    _submit_login(page, base, office_admin.username, PASSWORD)
    page.wait_for_url("**/2fa/**")
    survey("second factor")

    page.fill("input[name=code]", "000000")
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    assert _german("Incorrect code.") in page.inner_text("main")
    survey("second factor, wrong code")

    page.fill("input[name=code]", _current_code(office_admin.username))
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    page.wait_for_url(f"{base}/desk/**")

    # Someone else's account, guessed at until the throttle answers.
    page.context.clear_cookies()
    throttled = _german("Too many failed login attempts. Try again later.")
    for _attempt in range(8):
        _submit_login(page, base, "tina.throttle", "geraten-geraten")
        if throttled in page.inner_text("main"):
            break
    assert throttled in page.inner_text("main")
    survey("login, throttled")
    assert survey.found == {}, "\n".join(f"{k}: {v}" for k, v in survey.found.items())


def test_setting_up_the_authenticator_app(page, live_server, office, survey):
    from allauth.mfa.models import Authenticator

    from rathaus.offices.models import Role

    base = live_server.url
    newcomer = make_user("nina.neu", office, Role.ADMIN)  # an office admin without a 2nd factor
    _submit_login(page, base, newcomer.username, PASSWORD)
    # allauth asks for the password once more before a second factor is added.
    assert "/accounts/reauthenticate/" in page.url, page.url
    survey("set-up, password again")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert "/2fa/totp/activate/" in page.url, page.url
    survey("set-up")

    secret = page.locator("#authenticator_secret").input_value()
    assert len(secret) >= 16
    qr = page.locator("main .totp-qr img, main .totp-qr svg").first
    assert qr.is_visible()
    box = qr.bounding_box()
    assert box["width"] >= 150 and box["height"] >= 150, "big enough for a phone to scan"
    page.set_viewport_size({"width": 375, "height": 812})
    assert page.locator("#authenticator_secret").is_visible()
    assert qr.is_visible()
    assert qr.bounding_box()["x"] + qr.bounding_box()["width"] <= 375
    page.set_viewport_size({"width": 1280, "height": 720})

    page.fill("input[name=code]", "000000")
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    assert _german("Incorrect code.") in page.inner_text("main")
    survey("set-up, wrong code")

    secret = page.locator("#authenticator_secret").input_value()
    page.fill("input[name=code]", totp_code(secret))
    with page.expect_navigation():
        page.press("input[name=code]", "Enter")
    assert Authenticator.objects.filter(user=newcomer, type=Authenticator.Type.TOTP).exists()
    survey("after set-up")
    assert survey.found == {}, "\n".join(f"{k}: {v}" for k, v in survey.found.items())


def _png(size=(40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 60)).save(buffer, format="PNG")
    return buffer.getvalue()


def _bmp() -> bytes:
    """An image Pillow reads but the desk does not take (README "Uploads are private")."""
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 60)).save(buffer, format="BMP")
    return buffer.getvalue()


@pytest.fixture
def stopped_mailing(office, publish_post, monkeypatch):
    """A published post whose newsletter mailing stopped (a mail could not be made)."""
    from rathaus.newsletter import composing
    from rathaus.newsletter.models import NewsletterSettings, Subscriber

    NewsletterSettings.objects.create(office=office, enabled=True)
    Subscriber.objects.create(
        office=office, email="leser@example.org", status=Subscriber.Status.CONFIRMED
    )

    def broken(*args, **kwargs):
        raise ValueError("Header values may not contain linefeed or carriage return characters")

    monkeypatch.setattr(composing, "issue", broken)
    return publish_post(title="Sperrmüll", body="Freitag.", category="service")


def _conversation(office, name: str, *, public: bool):
    from rathaus.connectors.models import ConnectedAccount
    from rathaus.inbox import inbound

    key = name
    if name not in {"fediverse", "email", "contact"}:
        key = ConnectedAccount.objects.create(
            office=office, platform=name, name=name, remote_id="1", api_base="https://127.0.0.9"
        ).channel_key
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=key,
            remote_id=f"{key}:q1",
            text_html="<p>Wann wird die Linde gefällt?</p>",
            author_handle="@anna@social.example",
            is_public=public,
        )
    )
    return message.conversation


def test_the_office_admins_desk_pages_with_their_error_states(
    page, live_server, office, office_admin, draft, stopped_mailing, survey
):
    from rathaus.offices.models import Membership, Role

    for role in (Role.EDITOR, Role.AGENT):  # one person sees every page of this test
        Membership.objects.create(user=office_admin, office=office, role=role)
    asked = {
        name: _conversation(office, name, public=public)
        for name, public in (("bluesky", True), ("mastodon", True), ("contact", False))
    }
    base, slug = live_server.url, office.slug
    log_in(page, base, office_admin.username)

    page.goto(f"{base}/desk/{slug}/mitglieder/")
    survey("members")
    page.fill("#id_email", "kein-at-zeichen")
    with page.expect_navigation():
        page.click("#h-invite ~ form button[type=submit]")
    assert page.locator("#id_email[aria-invalid=true]").count() == 1
    survey("members, invitation with errors")

    page.goto(f"{base}/desk/{slug}/beitraege/{draft.pk}/")
    page.set_input_files(
        "#id_image-image", {"name": "linden.bmp", "mimeType": "image/bmp", "buffer": _bmp()}
    )
    page.fill("#id_image-alt_text", "Zwei Linden an der Allee")
    page.fill("#id_image-author", "Grünflächenamt")
    page.fill("#id_image-licence", "CC BY 4.0")
    with page.expect_navigation():
        page.click("form.image-form button[type=submit]")
    assert page.locator("#id_image-image[aria-invalid=true]").count() == 1
    survey("post, upload refused")

    page.goto(f"{base}/desk/{slug}/beitraege/{stopped_mailing.pk}/")
    assert "linefeed" in page.inner_text("#deliveries")
    survey("post, mailing stopped")

    for name, conversation in asked.items():
        page.goto(f"{base}/desk/{slug}/anfragen/{conversation.pk}/")
        survey(f"conversation on {name}")
        with page.expect_navigation():
            page.click("#reply button.primary")  # nothing typed, nothing chosen
        assert page.locator("#reply .field-error").count() >= 1
        survey(f"conversation on {name}, answer with errors")
    assert survey.found == {}, "\n".join(f"{k}: {v}" for k, v in survey.found.items())


def test_the_invitation_link_and_the_follow_page(page, live_server, office, survey):
    from django.contrib.auth import get_user_model
    from django.core.files.base import ContentFile

    from rathaus.contact import follow, submitting
    from rathaus.lib import spam
    from rathaus.offices import members

    base = live_server.url
    invited = get_user_model().objects.create_user(
        username="ines.invited", email="ines@mitte.example"
    )
    invited.set_unusable_password()
    invited.save()
    link = members._set_password_path(invited)

    page.goto(base + link)
    survey("invitation")
    page.fill("#id_new_password1", "kurz")
    page.fill("#id_new_password2", "anders")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.locator("[aria-invalid=true]").count() >= 1
    survey("invitation with errors")

    page.goto(base + link.rstrip("/") + "x/")
    survey("invitation, link no longer valid")

    message, _new = submitting.ask(
        office,
        nonce_id=spam.nonce_id(spam.new_nonce()),
        text="Schlagloch vor Nr. 5, siehe Foto",
        photo=ContentFile(_png(), name="c0ffee.png"),
    )
    page.goto(base + follow.path(message.conversation))
    photo = page.locator(".conversation figure img")
    photo.wait_for()
    assert page.evaluate("(img) => img.naturalWidth", photo.element_handle()) > 0
    survey("follow page with photo")
    assert survey.found == {}, "\n".join(f"{k}: {v}" for k, v in survey.found.items())


BROKEN = """<!doctype html><html lang="de"><meta charset="utf-8"><title>Kaputt</title><main>
<section aria-labelledby="h"><h2 id="h">Teil</h2><h2>Bitte prüfen</h2>
<label for="a">A</label><input id="a" aria-invalid="true" aria-describedby="a_help">
<p id="a_help"></p><pre>%s</pre><p style="color: red">rot</p>
<script>window.ran = 1</script></main></html>""" % ("breit" * 80)


def test_the_checks_themselves_find_what_they_look_for(page, live_server, survey):
    """Control: a page with every fault the survey looks for, served under the site's real
    policy, is reported for each of them (a broken check would look like 'all is well')."""
    from django.test import Client

    policy = Client().get("/accounts/login/")["Content-Security-Policy"]
    page.route(
        "**/kaputt/",
        lambda route: route.fulfill(
            status=200,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": policy},
            body=BROKEN,
        ),
    )
    page.goto(f"{live_server.url}/kaputt/")
    survey("broken")
    problems = "\n".join(survey.found["broken"])
    assert page.evaluate("window.ran") is None
    assert "CSP: script-src-elem inline" in problems
    assert "CSP: style-src-attr inline" in problems
    assert "wider than the phone" in problems
    assert "a is described by #a_help, which is empty or missing" in problems
    assert "a is invalid without its error" in problems
    assert 'H2 "Bitte prüfen" in the H2 section "Teil"' in problems
