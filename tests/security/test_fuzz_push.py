"""Fuzzing the addresses machines post to — the mail push endpoint and the newsletter's
bounce endpoint, each with a valid token and hostile mail — and the OAuth callback a
platform sends the admin back to: 1,000 generated malformed inputs each, with a fixed seed.
Never a 5xx, never an unhandled exception, nothing stored from a rejected request."""

from __future__ import annotations

from email.message import EmailMessage
from email.policy import SMTP
from urllib.parse import quote

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.security.fuzzing import (
    FUZZ,
    both_outcomes,
    checked,
    hostile_bytes,
    hostile_text,
    no_unhandled_exceptions,
)
from tests.security.tokens import bounce_token, push_token

HEADERS = [
    "From",
    "To",
    "Subject",
    "Message-ID",
    "In-Reply-To",
    "References",
    "Date",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Auto-Submitted",
    "Reply-To",
]


def _mail(headers: dict[str, str], body: str) -> bytes:
    """A mail built the way a broken or hostile sender might: headers written as given."""
    lines = [f"{name}: {value}" for name, value in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8", "surrogatepass")


def _real_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "Anna Anwohnerin <anna@example.org>"
    msg["To"] = "post@mitte.example"
    msg["Subject"] = "Laterne defekt"
    msg["Message-ID"] = "<q1@example.org>"
    msg.set_content("Die Laterne vor Hausnummer 4 ist seit einer Woche aus.")
    return msg.as_bytes(policy=SMTP)


header_values = st.one_of(
    hostile_text.map(lambda text: text.replace("\r", "").replace("\n", " ")),
    st.sampled_from(
        [
            "<contact.1.5@mitte.example>",
            "=?utf-8?b?w6TDtsO8?=",
            "=?unknown-8bit?q?=FF?=",
            'multipart/mixed; boundary="x"',
            "text/html; charset=does-not-exist",
            "base64",
            "auto-replied",
        ]
    ),
)
mails = st.one_of(
    hostile_bytes,
    st.builds(
        _mail,
        st.dictionaries(st.sampled_from(HEADERS), header_values, max_size=8),
        hostile_text,
    ),
    st.builds(
        lambda cut, junk: _real_mail()[:cut] + junk,
        st.integers(min_value=0, max_value=400),
        hostile_bytes,
    ),
)


@pytest.mark.django_db
def test_the_mail_push_endpoint(client, office):
    token = push_token(office)

    seen: list[int] = []

    @FUZZ
    @given(raw=mails, content_type=st.sampled_from(["message/rfc822", "text/plain", ""]))
    def fuzz(raw, content_type):
        path = f"/mail/eingang/{token}/"
        checked(lambda: client.generic("POST", path, raw, content_type=content_type), seen=seen)

    with no_unhandled_exceptions():
        fuzz()
        both_outcomes(seen)


@pytest.mark.django_db
def test_the_bounce_endpoint(client, office):
    token = bounce_token(office)

    seen: list[int] = []

    @FUZZ
    @given(raw=mails, to=st.lists(hostile_text.map(lambda t: t.replace("\x00", "")), max_size=3))
    def fuzz(raw, to):
        path = f"/newsletter/bounces/{token}/"
        query = "&".join(f"to={quote(value, safe='')}" for value in to)
        target = f"{path}?{query}" if query else path
        checked(
            lambda: client.generic("POST", target, raw, content_type="message/rfc822"), seen=seen
        )

    with no_unhandled_exceptions():
        fuzz()
        both_outcomes(seen)


@pytest.mark.django_db
def test_the_oauth_callback(client, office, office_admin):
    client.force_login(office_admin)
    callback = reverse("desk:oauth_callback")

    @FUZZ
    @given(
        params=st.dictionaries(
            st.sampled_from(["state", "code", "error", "error_description", "scope"]),
            hostile_text.map(lambda t: t.replace("\x00", "")),
            max_size=5,
        )
    )
    def fuzz(params):
        response = checked(lambda: client.get(callback, params))
        assert response.status_code in (302, 400, 403, 404)  # a forged state connects nothing

    with no_unhandled_exceptions():
        fuzz()
