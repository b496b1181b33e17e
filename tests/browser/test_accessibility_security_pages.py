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

import pytest
from django.utils import translation

from tests.browser.conftest import PolicyWatch, _current_code, phone_overflow, violations
from tests.conftest import PASSWORD, _user, totp_code

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "de-DE"}


@pytest.fixture
def survey(page):
    """A function checking the page shown now; findings by label, empty when all is well."""
    watch = PolicyWatch(page)
    found: dict[str, list[str]] = {}

    def check(label: str) -> None:
        page.wait_for_load_state("networkidle")
        problems = violations(page) + [f"CSP: {r}" for r in watch.reports()]
        problems += phone_overflow(page)
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
    assert survey.found == {}


def test_setting_up_the_authenticator_app(page, live_server, office, survey):
    from allauth.mfa.models import Authenticator

    from rathaus.offices.models import Role

    base = live_server.url
    newcomer = _user("nina.neu", office, Role.ADMIN)  # an office admin without a 2nd factor
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
    assert survey.found == {}
