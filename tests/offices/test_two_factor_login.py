"""An account with TOTP two-factor authentication cannot reach the desk with the password
alone; the code from the authenticator app lets it in."""

from allauth.mfa.totp.internal.auth import (
    TOTP,
    generate_totp_secret,
)
from django.urls import reverse

from tests.helpers import PASSWORD, totp_code


def _password_step(client, user):
    return client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})


def test_the_password_alone_does_not_open_the_desk(client, office, approver):
    TOTP.activate(approver, generate_totp_secret())
    step = _password_step(client, approver)
    assert step.status_code == 302 and step.url == reverse("mfa_authenticate")
    desk = client.get(reverse("desk:home"))
    assert desk.status_code == 302 and desk.url.startswith(reverse("account_login"))


def test_a_wrong_code_is_refused(client, office, approver):
    TOTP.activate(approver, generate_totp_secret())
    _password_step(client, approver)
    refused = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert refused.status_code == 200  # the form again, with its error
    assert client.get(reverse("desk:home")).status_code == 302


def test_the_right_code_opens_the_desk(client, office, approver):
    secret = generate_totp_secret()
    TOTP.activate(approver, secret)
    _password_step(client, approver)
    done = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert done.status_code == 302
    assert client.get(reverse("desk:dashboard", args=[office.slug])).status_code == 200
