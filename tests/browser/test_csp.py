"""The Content-Security-Policy in a real browser (issue 10, item 7): a script injected into a
real page does not run and is reported; the desk (htmx live preview, inbox), the contact
form with its proof of work, the Django admin and the OAuth sign-in all work under the
policy without a single violation."""

from __future__ import annotations

import pytest
from django.test import Client
from playwright.sync_api import expect

from rathaus.connectors import family
from rathaus.connectors.base import Connector, OAuth
from rathaus.inbox.models import Conversation
from rathaus.lib import spam
from tests.browser.helpers import log_in
from tests.fakes.server import FakeServer, Response
from tests.helpers import PASSWORD, with_totp

pytestmark = pytest.mark.browser

# Runs before any page script, in every document: collects the browser's own reports.
LISTEN = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(event.violatedDirective + " " + event.blockedURI);
});
"""
INJECTED = (
    '<script>window.pwned = 1</script><img src="/nothing.png" onerror="window.handled = 1">'
    '<p id="styled" style="color: rgb(255, 0, 0)">styled</p>'
)


@pytest.fixture
def watched(page):
    """The page, and every CSP violation the browser reports on any document it loads."""
    seen: list[str] = []
    page.on(
        "console",
        lambda message: (
            seen.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.add_init_script(LISTEN)
    return page, seen


def _inject(page, path: str, *, keep_policy: bool = True) -> None:
    """Serve ``path`` from the real server with INJECTED put into its body."""

    def handle(route):
        response = route.fetch()
        headers = dict(response.headers)
        if not keep_policy:
            headers.pop("content-security-policy", None)
        body = response.text().replace("</main>", f"{INJECTED}</main>", 1)
        route.fulfill(status=response.status, headers=headers, body=body)

    page.route(f"**{path}", handle)


def _sign_in(page, base: str, user) -> None:
    """A logged-in session for ``user`` without typing a second factor."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": base}])


def test_an_injected_inline_script_does_not_run(watched, live_server, published):
    page, seen = watched
    path = published.get_absolute_url()
    _inject(page, path)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("#styled", state="attached")
    page.wait_for_timeout(300)
    assert page.evaluate("[window.pwned, window.handled]") == [None, None]
    assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != (
        "rgb(255, 0, 0)"
    )
    reports = page.evaluate("window.__violations")
    assert any(report.startswith("script-src") for report in reports), reports
    assert any(report.startswith("style-src") for report in reports), reports
    assert seen


def test_without_the_policy_the_same_injection_would_run(page, live_server, published):
    """The check above can fail: the same page with the header taken away runs the script."""
    path = published.get_absolute_url()
    _inject(page, path, keep_policy=False)
    page.goto(f"{live_server.url}{path}")
    page.wait_for_selector("#styled", state="attached")
    page.wait_for_timeout(300)
    assert page.evaluate("[window.pwned, window.handled]") == [1, 1]


def test_the_desk_works_under_the_policy(watched, live_server, office, editor, agent, draft):
    page, seen = watched
    from rathaus.offices.models import Membership, Role

    Membership.objects.create(user=editor, office=office, role=Role.AGENT)
    log_in(page, live_server.url, editor.username)
    page.goto(f"{live_server.url}/desk/{office.slug}/beitraege/neu/")
    page.fill("[name=title]", "Sperrung der Lindenallee")
    page.fill("[name=body]", "Ab Montag ist die Lindenallee gesperrt, Umleitung über den Ring.")
    # htmx's live preview answers the typing without the preview button.
    expect(page.locator("#preview")).to_contain_text("Umleitung", timeout=10000)
    page.goto(f"{live_server.url}/desk/{office.slug}/anfragen/")
    with page.expect_response(lambda r: "queue=mine" in r.url):
        page.click("nav.queues a[href$='queue=mine']")  # htmx, with hx-push-url
    page.wait_for_url("**/anfragen/?queue=mine")
    # No copy of an inbox page in the tab's storage for the back button (citizens' data:
    # after logging out, going back would show it).
    assert page.evaluate("sessionStorage.getItem('htmx-history-cache')") is None
    page.goto(f"{live_server.url}/desk/{office.slug}/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("window.__violations") == []
    assert seen == []


def test_the_contact_form_with_proof_of_work_works_under_the_policy(
    watched, live_server, office, settings
):
    page, seen = watched
    settings.CONTACT_PROOF_OF_WORK_BITS = 8
    page.goto(f"{live_server.url}/{office.slug}/kontakt/")
    page.fill("[name=message]", "Die Laterne vor Nr. 5 ist aus.")
    page.click("form.contact-form button[type=submit]")
    page.wait_for_selector(".reference")
    assert Conversation.objects.filter(office=office).count() == 1
    assert spam.proof_of_work_bits() == 8
    assert page.evaluate("window.__violations") == []
    assert seen == []


def test_the_django_admin_works_under_the_policy(
    watched, live_server, office, published, django_user_model
):
    page, seen = watched
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    with_totp(root)
    _sign_in(page, live_server.url, root)
    for path in (
        "/admin/",
        "/admin/posts/post/",
        f"/admin/posts/post/{published.pk}/change/",
        "/admin/offices/office/add/",
        f"/admin/offices/office/{office.pk}/change/",
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.url.endswith(path), page.url
        assert page.evaluate("window.__violations") == [], path
    assert seen == []


class DemoConnector(Connector):
    platform = "demo"
    label = "Demo"
    oauth = OAuth(
        authorize_url="https://demo.example/oauth/authorize",
        token_url="https://demo.example/oauth/token",
        scopes=("post",),
    )


@pytest.fixture
def provider(settings):
    server = FakeServer()

    @server.route("GET", "/oauth/authorize")
    def authorize(request):
        return Response(200, "<!doctype html><title>Demo</title><h1>Allow Rathaus?</h1>")

    with server:
        settings.CONNECTOR_API_BASES = {"demo": server.url}
        settings.CONNECTOR_OAUTH_APPS = {"demo": ("client-1", "secret-1")}
        family.connectors()["demo"] = DemoConnector
        yield server
        del family.connectors()["demo"]


def test_the_oauth_sign_in_reaches_the_platform(
    watched, live_server, office, office_admin, provider
):
    """The sign-in form posts to the desk, which redirects to the platform: form-action
    must allow that one origin, or the browser stops at the redirect."""
    page, seen = watched
    _sign_in(page, live_server.url, office_admin)
    page.goto(f"{live_server.url}/desk/{office.slug}/kanaele/verbinden/demo/")
    page.click("form[action$='/oauth/'] button[type=submit]")
    page.wait_for_url(f"{provider.url}/oauth/authorize**")
    assert "Allow Rathaus?" in page.inner_text("h1")
    assert provider.calls("GET", "/oauth/authorize")
    assert seen == []
