"""Response headers (issue 10, items 7 and 16): a strict Content-Security-Policy on every
page, public and desk, cache hits included; no copy of a desk, admin or account page in any
cache, while the public newsroom stays cacheable."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse
from django.utils.cache import get_max_age

from rathaus.desk import urls as desk_urls
from rathaus.offices.models import Membership, Role
from tests.helpers import PASSWORD

DESK_PATTERNS = [p for p in desk_urls.urlpatterns if isinstance(p, URLPattern)]


def _directives(response) -> dict[str, str]:
    policy = response.get("Content-Security-Policy", "")
    parts = (part.strip().split(None, 1) for part in policy.split(";") if part.strip())
    return {part[0]: part[1] if len(part) > 1 else "" for part in parts}


def _no_store(response) -> bool:
    directives = {d.strip().split("=")[0] for d in response.get("Cache-Control", "").split(",")}
    return "no-store" in directives


@pytest.fixture
def colleague(office, editor):
    """A member with every role but admin (admins must set up a second factor first)."""
    for role in (Role.APPROVER, Role.AGENT):
        Membership.objects.create(user=editor, office=office, role=role)
    return editor


def _desk_urls(office, draft) -> list[tuple[str, str]]:
    sample = {"slug": office.slug, "pk": draft.pk, "step": "submit", "platform": "mastodon"}
    urls = []
    for pattern in DESK_PATTERNS:
        kwargs = {
            # Any other argument: a number or a word the converter takes.
            name: sample.get(name, 1 if type(converter).__name__ == "IntConverter" else "x")
            for name, converter in pattern.pattern.converters.items()
        }
        urls.append((pattern.name, reverse(f"desk:{pattern.name}", kwargs=kwargs)))
    return urls


# --- Cache-Control: no-store (item 16) ---------------------------------------------------


def test_every_desk_page_is_kept_out_of_every_cache(client, office, draft, colleague):
    client.force_login(colleague)
    missing = []
    for name, url in _desk_urls(office, draft):
        for response in (client.get(url), client.get(url, headers={"HX-Request": "true"})):
            if not _no_store(response):
                missing.append(f"{name} {response.status_code} {response.get('Cache-Control')}")
    assert missing == []


def test_desk_pages_seen_from_another_office_are_not_stored_either(client, office, draft, outsider):
    client.force_login(outsider)
    missing = [
        f"{name} {response.status_code}"
        for name, url in _desk_urls(office, draft)
        for response in (client.get(url),)
        if not _no_store(response)
    ]
    assert missing == []


def test_desk_posts_and_redirects_are_not_stored(client, office, draft, colleague):
    client.force_login(colleague)
    response = client.post(reverse("desk:post_step", args=[office.slug, draft.pk, "submit"]))
    assert response.status_code == 302
    assert _no_store(response)


def test_anonymous_desk_requests_are_not_stored(client, office):
    response = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert response.status_code == 302
    assert _no_store(response)


def test_account_pages_are_not_stored(client, colleague):
    assert _no_store(client.get(reverse("account_login")))
    client.force_login(colleague)
    assert _no_store(client.get(reverse("mfa_index")))


def test_admin_pages_are_not_stored(client, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    for url in ("/admin/", "/admin/auth/user/", f"/admin/auth/user/{root.pk}/change/"):
        response = client.get(url)
        assert _no_store(response), (url, response.status_code, response.get("Cache-Control"))


def test_a_page_that_used_the_session_outside_the_desk_is_not_stored(client, colleague):
    """Switching the language reads and writes the session: whatever comes back is private."""
    client.force_login(colleague)
    response = client.post(reverse("set_language"), {"language": "en", "next": "/desk/"})
    assert _no_store(response)


def test_newsroom_pages_stay_public_and_cacheable(client, office, published):
    url = f"/{office.slug}/"
    first, hit = client.get(url), client.get(url)
    for response in (first, hit):
        assert response.status_code == 200
        assert not _no_store(response)
        assert get_max_age(response) and "public" in response["Cache-Control"]
        assert not response.cookies


def test_a_public_page_that_sets_a_cookie_is_not_stored(rf):
    """Whatever a view declared: a response with a Set-Cookie is somebody's own."""
    from django.http import HttpResponse

    from rathaus.lib.headers import NoStoreMiddleware

    def view(request):
        response = HttpResponse("hello")
        response["Cache-Control"] = "public, max-age=60"
        response.set_cookie("sessionid", "abc")
        return response

    response = NoStoreMiddleware(view)(rf.get("/mitte/"))
    assert _no_store(response)
    assert "public" not in response["Cache-Control"]


# --- Content-Security-Policy (item 7) ----------------------------------------------------

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "connect-src": "'self'",
    "form-action": "'self'",
    "base-uri": "'none'",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
}


def _strict(response) -> dict[str, str]:
    """The policy's directives that differ from the strict policy (empty if it is strict)."""
    found = _directives(response)
    return {
        name: found.get(name, "(missing)")
        for name, value in POLICY.items()
        if found.get(name) != value
    }


def test_newsroom_pages_carry_the_policy_also_when_answered_from_the_cache(
    client, office, published
):
    url = f"/{office.slug}/"
    miss, hit = client.get(url), client.get(url)
    assert not hasattr(hit.wsgi_request, "user")  # really answered by the page cache
    for response in (miss, hit):
        assert _strict(response) == {}
    assert hit["Content-Security-Policy"] == miss["Content-Security-Policy"]
    assert "nonce-" not in hit["Content-Security-Policy"]  # one cached page, many readers


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/{office}/suche/?q=linde",
        "/{office}/termine/",
        "/{office}/kontakt/",
        "/{office}/newsletter/",
        "/{office}/fragen/",
        "/{office}/impressum/",
        "/gibt-es-nicht/",
    ],
)
def test_public_pages_carry_the_policy(client, office, published, path):
    response = client.get(path.format(office=office.slug))
    assert response.status_code in (200, 404), path
    assert _strict(response) == {}


def test_desk_account_and_admin_pages_carry_the_policy(
    client, office, colleague, django_user_model
):
    assert _strict(client.get(reverse("account_login"))) == {}
    client.force_login(colleague)
    for url in (
        reverse("desk:dashboard", args=[office.slug]),
        reverse("desk:post_new", args=[office.slug]),
        reverse("desk:inbox", args=[office.slug]),
        reverse("mfa_index"),
    ):
        assert _strict(client.get(url)) == {}, url
    root = django_user_model.objects.create_superuser("root", "root@example.org", PASSWORD)
    client.force_login(root)
    assert _strict(client.get("/admin/")) == {}
    assert _strict(client.get("/admin/posts/post/")) == {}


def test_the_oauth_sign_in_form_may_go_on_to_the_platform_and_nowhere_else(
    client, office, office_admin, settings
):
    """The "Sign in with X" form posts to us and is redirected to X; browsers check that
    redirect against the form's page's form-action, so that page names X's origin."""
    settings.CONNECTOR_OAUTH_APPS = {**settings.CONNECTOR_OAUTH_APPS, "x": ("id-1", "secret-1")}
    client.force_login(office_admin)
    response = client.get(reverse("desk:account_connect", args=[office.slug, "x"]))
    assert response.status_code == 200
    assert _directives(response)["form-action"].split() == ["'self'", "https://x.com"]
    others = client.get(reverse("desk:channels", args=[office.slug]))
    assert _directives(others)["form-action"] == "'self'"


def test_no_template_has_inline_script_style_or_event_handlers():
    """What the policy would refuse in the browser is refused here already: a new
    <script> without src, a style= or <style>, or an on…= attribute in any page template
    (mail templates are not pages and keep their inline styles, as mail clients need)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "rathaus"
    inline = re.compile(
        r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|<style\b|\sstyle=|\son[a-z]+=",
        re.IGNORECASE,
    )
    found = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("templates/**/*.html")
        if "/email/" not in path.as_posix()
        for match in inline.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []
