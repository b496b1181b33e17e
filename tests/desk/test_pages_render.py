"""Every desk page renders for a member, with the landmarks the layout promises."""

import pytest
from django.urls import reverse

from tests.helpers import log_in


@pytest.fixture
def approver_client(client, approver, editor):
    log_in(client, approver)
    return client


def test_it_renders_every_page_with_landmarks(approver_client, office, published):
    urls = [
        reverse("desk:dashboard", args=[office.slug]),
        reverse("desk:post_list", args=[office.slug]),
        reverse("desk:post_detail", args=[office.slug, published.pk]),
        reverse("desk:post_correct", args=[office.slug, published.pk]),
        reverse("desk:calendar", args=[office.slug]),
    ]
    for url in urls:
        response = approver_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert 'class="skip-link" href="#content"' in html
        assert '<main id="content"' in html
        assert reverse("mfa_index") in html
        assert 'action="/i18n/setlang/"' in html


def test_the_login_page_uses_the_desk_look_and_offers_no_signup(client, db):
    response = client.get(reverse("account_login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "rathaus/desk.css" in html
    assert '<main id="content"' in html
    assert 'for="id_login"' in html
    assert reverse("account_signup") not in html


def test_the_mfa_page_uses_the_desk_look(approver_client):
    response = approver_client.get(reverse("mfa_index"))
    assert response.status_code == 200
    assert "rathaus/desk.css" in response.content.decode()


def test_the_totp_setup_and_logout_pages_render_in_the_desk_look(approver_client):
    # Activating TOTP first asks for the password again: that page must render too.
    for name in ("mfa_activate_totp", "account_logout"):
        response = approver_client.get(reverse(name), follow=True)
        assert response.status_code == 200, name
        html = response.content.decode()
        assert '<main id="content"' in html
        assert "rathaus/desk.css" in html


def test_a_wrong_password_is_reported_on_the_login_page(client, editor):
    response = client.post(reverse("account_login"), {"login": editor.username, "password": "x"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html
    assert f'value="{editor.username}"' in html
