"""Authentication (issue 10, items 1, 11, 12, 13): one login flow for every door with the
same second factor and throttle, two-factor duty, session lifetimes, password rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache, caches
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, totp_code, with_totp

LOGIN = "/accounts/login/"


def _logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def _password_step(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"login": user.username, "password": password, **extra})


@pytest.fixture
def staff_admin(office_admin):
    """The office admin with access to the Django admin, as load_demo makes them."""
    office_admin.is_staff = True
    office_admin.save()
    return office_admin


# --- 1. The Django admin login: same flow, same second factor, same throttle ----------


def test_the_admin_login_does_not_take_a_password_alone(client, staff_admin):
    with_totp(staff_admin)
    response = client.post(
        "/admin/login/?next=/admin/",
        {"username": staff_admin.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert not _logged_in(client)
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next=%2Fadmin%2F"
    admin = client.get("/admin/")
    assert admin.status_code == 302 and not _logged_in(client)


def test_the_admin_sends_anonymous_visitors_to_the_one_login(client, staff_admin):
    response = client.get("/admin/offices/office/", follow=True)
    assert response.redirect_chain[-1][0] == f"{LOGIN}?next=%2Fadmin%2Foffices%2Foffice%2F"


def test_the_admin_opens_after_password_and_second_factor(client, staff_admin):
    secret = with_totp(staff_admin)
    step = _password_step(client, staff_admin, next="/admin/")
    assert step.url == reverse("mfa_authenticate") and not _logged_in(client)
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302 and done.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_open_redirect_through_the_admin_login_is_refused(client, staff_admin):
    response = client.get("/admin/login/?next=https://evil.example/")
    assert response.url == f"{LOGIN}?next=%2Fadmin%2F"


def test_a_logged_in_non_staff_user_is_refused_not_looped(client, editor):
    client.force_login(editor)
    assert client.get("/admin/login/?next=/admin/").status_code == 403


def _fail(client, user, times: int) -> None:
    for _ in range(times):
        wrong = _password_step(client, user, password="wrong-password-123")
        assert wrong.status_code == 200 and not _logged_in(client)


def test_after_five_failures_even_the_right_password_is_refused(client, editor):
    _fail(client, editor, 5)
    refused = _password_step(client, editor)
    assert refused.status_code in (200, 429)
    assert not _logged_in(client)
    assert "Too many failed login attempts" in refused.content.decode() or (
        "Zu viele" in refused.content.decode()
    )


def test_the_throttle_ends_when_its_window_passes(client, editor):
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        _fail(client, editor, 5)
        assert not _logged_in(client) and _password_step(client, editor).status_code == 200
        traveller.shift(timedelta(minutes=16))
        assert _password_step(client, editor).status_code == 302
        assert _logged_in(client)


def test_the_throttle_holds_across_processes(client, editor):
    """Each process has its own default (local-memory) cache; the throttle must not be
    there, or the second web worker would not know of the first one's failures."""
    _fail(client, editor, 5)
    cache.clear()  # what another process's default cache knows: nothing
    assert not _logged_in(client) and _password_step(client, editor).status_code == 200
    assert not _logged_in(client)
    assert caches["shared"].__class__.__name__ in {"DatabaseCache", "RedisCache"}


def test_second_factor_codes_are_throttled_too(client, staff_admin):
    secret = with_totp(staff_admin)
    _password_step(client, staff_admin)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    refused = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert refused.status_code in (200, 429) and not _logged_in(client)


def test_a_used_code_cannot_be_used_again_in_another_process(client, staff_admin):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    secret = with_totp(staff_admin)
    totp = TOTP(Authenticator.objects.get(user=staff_admin))
    code = totp_code(secret)
    assert totp.validate_code(code)
    cache.clear()
    assert not totp.validate_code(code)
