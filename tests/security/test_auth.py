"""Authentication (issue 10, items 1, 11, 12, 13): one login flow for every door with the
same second factor and throttle, two-factor duty, session lifetimes, password rules."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.urls import reverse
from django.utils import timezone

from tests.helpers import PASSWORD, totp_code

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
    secret = staff_admin.totp_secret
    step = _password_step(client, staff_admin, next="/admin/")
    assert step.url == reverse("mfa_authenticate") and not _logged_in(client)
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302 and done.url == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_an_open_redirect_through_the_admin_login_is_refused(client, staff_admin):
    from urllib.parse import parse_qs, urlsplit

    response = client.get("/admin/login/?next=https://evil.example/")
    target = parse_qs(urlsplit(response.url).query)["next"][0]
    assert response.url.startswith(LOGIN) and target.startswith("/")


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


def _another_process(settings) -> None:
    """What another web worker sees: a default cache of its own (in the embedded default it
    is per process, and knows nothing), and the same shared cache."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "2"},
    }


def test_the_throttle_holds_across_processes(client, editor, settings):
    """Each process has its own default (local-memory) cache; the throttle must not be
    there, or the second web worker would not know of the first one's failures."""
    _fail(client, editor, 5)
    _another_process(settings)
    assert not _logged_in(client) and _password_step(client, editor).status_code == 200
    assert not _logged_in(client)
    assert caches["shared"].__class__.__name__ in {"DatabaseCache", "RedisCache"}


def test_second_factor_codes_are_throttled_too(client, staff_admin):
    secret = staff_admin.totp_secret
    _password_step(client, staff_admin)
    for _ in range(5):
        client.post(reverse("mfa_authenticate"), {"code": "000000"})
    refused = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert refused.status_code in (200, 429) and not _logged_in(client)


def test_a_used_code_cannot_be_used_again_in_another_process(client, staff_admin, settings):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    secret = staff_admin.totp_secret
    totp = TOTP(Authenticator.objects.get(user=staff_admin))
    code = totp_code(secret)
    assert totp.validate_code(code)
    _another_process(settings)
    assert not totp.validate_code(code)


def test_a_code_typed_as_its_step_ran_out_still_counts_an_older_one_not(client, staff_admin):
    """One step of tolerance (RFC 6238, 5.2): without it a login whose code was read in the
    last second of its step failed at random."""
    _password_step(client, staff_admin)
    stale = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(staff_admin.totp_secret, steps_ago=2)}
    )
    assert stale.status_code == 200 and not _logged_in(client)
    done = client.post(
        reverse("mfa_authenticate"), {"code": totp_code(staff_admin.totp_secret, steps_ago=1)}
    )
    assert done.status_code == 302 and _logged_in(client)


# --- 11. Two-factor duty: office admins and staff always, members where the office says --


def _without_second_factor(user):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=user).delete()
    return user


def _log_in(client, user):
    """Through the real login flow, password only (the user has no second factor yet)."""
    response = _password_step(client, user)
    assert response.status_code == 302 and _logged_in(client)
    return response


def _sent_to_set_up(response) -> bool:
    return response.status_code == 302 and response.url == reverse("mfa_activate_totp")


def test_an_office_admin_without_a_second_factor_is_sent_to_set_one_up(
    client, office, office_admin
):
    _log_in(client, _without_second_factor(office_admin))
    for url in (
        reverse("desk:home"),
        reverse("desk:dashboard", args=[office.slug]),
        reverse("desk:channels", args=[office.slug]),
        reverse("desk:post_list", args=[office.slug]),
    ):
        assert _sent_to_set_up(client.get(url)), url
        assert _sent_to_set_up(client.post(url, {})), url
    assert client.get(reverse("mfa_index")).status_code == 200
    # Adding a second factor asks for the password again (allauth): a stolen session
    # cannot add the thief's authenticator. That page is open too.
    assert client.get(reverse("mfa_activate_totp")).url.startswith(
        reverse("account_reauthenticate")
    )
    assert client.get(reverse("account_reauthenticate")).status_code == 200


def test_htmx_requests_are_sent_to_the_set_up_page_as_a_whole(client, office, office_admin):
    _log_in(client, _without_second_factor(office_admin))
    response = client.get(reverse("desk:dashboard", args=[office.slug]), HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("mfa_activate_totp")


def test_the_admin_is_closed_too_until_the_second_factor_is_set_up(client, staff_admin):
    _log_in(client, _without_second_factor(staff_admin))
    assert _sent_to_set_up(client.get("/admin/"))
    assert _sent_to_set_up(client.get("/admin/offices/office/"))


def test_logging_out_stays_possible(client, office_admin):
    _log_in(client, _without_second_factor(office_admin))
    client.post(reverse("account_logout"))
    assert not _logged_in(client)


def test_after_setting_up_the_second_factor_the_desk_opens(client, office, office_admin):
    _log_in(client, _without_second_factor(office_admin))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    done = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.get(reverse("desk:dashboard", args=[office.slug])).status_code == 200


def test_a_session_made_another_way_is_held_too(client, office, office_admin):
    """Not only the login form: any session of such a user (here one made directly) is
    held at the set-up page."""
    client.force_login(_without_second_factor(office_admin))
    assert _sent_to_set_up(client.get(reverse("desk:dashboard", args=[office.slug])))


@pytest.mark.parametrize("flag", ["is_staff", "is_superuser"])
def test_staff_and_superusers_must_use_a_second_factor(client, db, flag):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user(
        username="operator", password=PASSWORD, **{flag: True}
    )
    _log_in(client, user)
    assert _sent_to_set_up(client.get("/admin/"))
    assert _sent_to_set_up(client.get(reverse("desk:home")))


def test_an_editor_needs_no_second_factor_unless_the_office_asks(client, office, editor):
    _log_in(client, editor)
    assert client.get(reverse("desk:dashboard", args=[office.slug])).status_code == 200


def test_an_office_that_asks_for_it_holds_every_member(client, office, editor):
    office.require_two_factor = True
    office.save()
    _log_in(client, editor)
    assert _sent_to_set_up(client.get(reverse("desk:dashboard", args=[office.slug])))


def test_another_offices_setting_does_not_hold_my_members(client, office, other_office, editor):
    other_office.require_two_factor = True
    other_office.save()
    _log_in(client, editor)
    assert client.get(reverse("desk:dashboard", args=[office.slug])).status_code == 200


def test_public_pages_stay_open_while_the_second_factor_is_missing(client, office, office_admin):
    _log_in(client, _without_second_factor(office_admin))
    assert client.get(f"/{office.slug}/").status_code == 200


def _office_form(office) -> dict:
    """The office's change form as the admin shows it (every field as stored), with the
    duty switched on; built from the model so a new field with a default doesn't break it."""
    import json

    from django.forms.models import model_to_dict

    data = {
        name: json.dumps(value) if isinstance(value, dict | list) else value
        for name, value in model_to_dict(office).items()
        if value not in (None, False) and name != "logo"
    }
    return data | {
        "require_two_factor": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }


def test_the_office_admin_switches_the_duty_on_in_the_office_settings(
    admin_site_as, office, other_office
):
    client = admin_site_as("offices")
    page = client.get(f"/admin/offices/office/{office.pk}/change/")
    assert b'name="require_two_factor"' in page.content
    saved = client.post(f"/admin/offices/office/{office.pk}/change/", _office_form(office))
    assert saved.status_code == 302, saved.content.decode()[:2000]
    office.refresh_from_db()
    assert office.require_two_factor
    # ... and cannot switch it for another office.
    client.post(f"/admin/offices/office/{other_office.pk}/change/", _office_form(other_office))
    other_office.refresh_from_db()
    assert not other_office.require_two_factor


@pytest.mark.django_db
def test_the_demo_admin_logs_in_with_the_printed_second_factor(client):
    import io

    from django.core.management import call_command

    from rathaus.demo import data as demo

    output = io.StringIO()
    call_command("load_demo", stdout=output)
    assert demo.TOTP_SECRET in output.getvalue()
    step = client.post(LOGIN, {"login": "admin", "password": demo.PASSWORD})
    assert step.url == reverse("mfa_authenticate")
    client.post(reverse("mfa_authenticate"), {"code": totp_code(demo.TOTP_SECRET)})
    assert client.get("/admin/").status_code == 200
    assert client.get(reverse("desk:dashboard", args=["mitte"])).status_code == 200


# --- 12. Sessions: idle timeout, absolute lifetime, __Host- cookies under HTTPS ---------


@pytest.fixture
def desk(client, office, editor):
    """The editor logged in through the real login, and the desk page to come back to."""
    _log_in(client, editor)
    return reverse("desk:dashboard", args=[office.slug])


def _opens(client, url) -> bool:
    return client.get(url).status_code == 200 and _logged_in(client)


def test_a_session_left_idle_ends(client, desk, settings):
    settings.SESSION_IDLE_HOURS = 8
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        assert _opens(client, desk)
        traveller.shift(timedelta(hours=7, minutes=50))
        assert _opens(client, desk)  # in use: the idle clock starts again
        traveller.shift(timedelta(hours=8, minutes=1))
        response = client.get(desk)
        assert response.status_code == 302 and response.url.startswith(LOGIN)
        assert not _logged_in(client)


def test_a_session_in_use_ends_after_its_longest_lifetime(client, desk, settings):
    settings.SESSION_IDLE_HOURS, settings.SESSION_MAX_HOURS = 8, 24
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):  # in use every 5 hours: never idle
            assert _opens(client, desk)
            traveller.shift(timedelta(hours=5))
        response = client.get(desk)  # 25 hours after the login
        assert response.status_code == 302 and response.url.startswith(LOGIN)
        assert not _logged_in(client)


def test_the_cookie_itself_ends_with_the_idle_time(client, desk, settings):
    settings.SESSION_IDLE_HOURS = 8
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        traveller.shift(timedelta(minutes=5))
        response = client.get(desk)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert int(cookie["max-age"]) == 8 * 3600


def test_django_keeps_sessions_no_longer_than_the_longest_lifetime():
    from django.conf import settings

    assert settings.SESSION_COOKIE_AGE == settings.SESSION_MAX_HOURS * 3600 <= 24 * 3600


def _settings_under(env: dict[str, str]) -> dict:
    """The cookie settings as the real settings module reads them from ``env``."""
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k)"
        " for k in ['SESSION_COOKIE_NAME', 'CSRF_COOKIE_NAME', 'SESSION_COOKIE_SECURE',"
        " 'CSRF_COOKIE_SECURE', 'SESSION_COOKIE_PATH', 'CSRF_COOKIE_PATH',"
        " 'SESSION_COOKIE_DOMAIN', 'CSRF_COOKIE_DOMAIN', 'SESSION_IDLE_HOURS']}))"
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith("RATHAUS_")}
    environ.update(env, DJANGO_SETTINGS_MODULE="rathaus.settings")
    environ.setdefault("RATHAUS_DATA_DIR", os.environ["RATHAUS_DATA_DIR"])
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environ,
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout)


def test_under_https_the_cookies_carry_the_host_prefix():
    values = _settings_under({"RATHAUS_HTTPS": "true"})
    assert values["SESSION_COOKIE_NAME"] == "__Host-rathaus_session"
    assert values["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    # What the browser demands of a __Host- cookie: Secure, path /, no Domain.
    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"]
    assert values["SESSION_COOKIE_PATH"] == values["CSRF_COOKIE_PATH"] == "/"
    assert values["SESSION_COOKIE_DOMAIN"] is values["CSRF_COOKIE_DOMAIN"] is None
    # Plain http (the local demo) cannot set __Host- cookies at all.
    assert _settings_under({"RATHAUS_HTTPS": "false"})["SESSION_COOKIE_NAME"] == "sessionid"


def test_the_idle_time_is_a_checked_setting():
    assert _settings_under({"RATHAUS_SESSION_IDLE_HOURS": "2"})["SESSION_IDLE_HOURS"] == 2
    with pytest.raises(Exception, match="RATHAUS_SESSION_IDLE_HOURS"):
        try:
            _settings_under({"RATHAUS_SESSION_IDLE_HOURS": "forever"})
        except Exception as error:
            raise Exception(error.stderr) from None


def test_the_login_sets_a_host_prefixed_secure_cookie_under_https(client, office, editor):
    from django.test import override_settings

    with override_settings(
        SESSION_COOKIE_NAME="__Host-rathaus_session",
        SESSION_COOKIE_SECURE=True,
        CSRF_COOKIE_NAME="__Host-csrftoken",
        CSRF_COOKIE_SECURE=True,
    ):
        response = client.post(LOGIN, {"login": editor.username, "password": PASSWORD}, secure=True)
        cookie = response.cookies["__Host-rathaus_session"]
        assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


# --- 13. Passwords: 12 characters at least, no common word dressed up --------------------


def _refusals(password: str, user=None) -> list[str]:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


@pytest.mark.parametrize(
    "password",
    [
        "passwort123",  # the auditor's example
        "Sommer2024!!",
        "Passwort2024!",
        "P@ssw0rt2024",
        "Fußball2024!!",
        "ichliebedich2024",
        "Bezirksamt2025!",
        "Schatzi-1234567",
        "hall0hall0hall0",
        "qwertzuiop12",
        "asdfghjklöä1",
        "123456789012",
        "aaaaaaaaaaaa",
        "Dezember1985!!",
    ],
)
def test_common_passwords_and_their_dressed_up_forms_are_refused(db, password):
    assert _refusals(password)


def test_eleven_characters_are_too_few(db):
    assert "password_too_short" in _refusals("Xk9#2mQ!7pL")  # 11, random
    assert _refusals("Xk9#2mQ!7pLz") == []  # 12


@pytest.mark.parametrize(
    "password",
    ["Fahrrad-Kompass-Nebel-7", "Wolkenkratzer-Eule-58", "Lindenallee am Rathausplatz"],
)
def test_a_good_long_password_is_accepted(db, password):
    assert _refusals(password) == []


def test_the_password_change_form_refuses_a_common_one(client, office, editor):
    _log_in(client, editor)
    response = client.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "Sommer2024!!", "password2": "Sommer2024!!"},
    )
    assert response.status_code == 200  # the form again, with the error
    editor.refresh_from_db()
    assert editor.check_password(PASSWORD)
