"""Rathaus says "Sie" everywhere (issue 12, "What citizens see", "Wording"), also on
allauth's login, password-reset and two-factor pages and in their e-mails, whose German
allauth ships as "du". The formal German lives in the project's catalogue, which keeps it
because rathaus/offices/allauth_wording.py names each of these msgids."""

from __future__ import annotations

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import allauth
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from rathaus.offices.allauth_wording import ALLAUTH_TEXTS
from tests.helpers import PASSWORD, log_in

GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}
INFORMAL = re.compile(r"\b(du|dein\w*|dich|dir)\b", re.IGNORECASE)
FORMAL = re.compile(r"\b(Sie|Ihr\w*|Ihnen)\b")  # case-sensitive: "sie" is "they"


class _VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes outside script and style, and the
    attributes that screen readers and browsers show."""

    SHOWN = ("alt", "title", "placeholder", "aria-label")

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden += 1
        self.parts += [value for name, value in attrs if name in self.SHOWN and value]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _VisibleText()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def assert_formal(text: str) -> None:
    assert not INFORMAL.findall(text), f"informal address in: {text}"
    assert FORMAL.search(text), f"no formal address in: {text}"


# ----- the list of texts --------------------------------------------------------------------


def test_allauth_still_has_every_text_named_for_the_catalogue():
    """A msgid allauth changed in an upgrade would keep a formal translation nobody reads,
    while allauth's new text comes out in "du" again."""
    mo = Path(allauth.__file__).parent / "locale" / "de" / "LC_MESSAGES" / "django.mo"
    with mo.open("rb") as handle:
        allauth_german = gettext.GNUTranslations(handle)
    missing = [text for text in ALLAUTH_TEXTS if allauth_german.gettext(text) == text]
    assert not missing, "allauth no longer has:\n" + "\n".join(missing)


def test_every_named_text_reads_formally_in_german():
    with translation.override("de"):
        german = [translation.gettext(text) for text in ALLAUTH_TEXTS]
    informal = [text for text in german if INFORMAL.search(text)]
    not_formal = [text for text in german if not FORMAL.search(text)]
    assert not informal, "still informal:\n" + "\n".join(informal)
    assert not not_formal, "not addressed as Sie:\n" + "\n".join(not_formal)


# ----- pages and mails ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_password_reset_page_says_sie(client):
    page = client.get(reverse("account_reset_password"), **GERMAN)
    assert page.status_code == 200
    assert_formal(visible_text(page))


def test_the_password_reset_mail_and_the_page_after_it_say_sie(client, editor):
    editor.email = "erika.editor@mitte.example"
    editor.save()
    sent = client.post(
        reverse("account_reset_password"), {"email": editor.email}, follow=True, **GERMAN
    )
    [reset_mail] = mail.outbox
    assert reset_mail.to == [editor.email]
    assert not INFORMAL.findall(reset_mail.subject)
    assert_formal(reset_mail.body)
    assert sent.status_code == 200
    assert_formal(visible_text(sent))  # "We have sent you an email …"


@pytest.mark.django_db
def test_a_used_or_wrong_reset_link_says_sie(client):
    page = client.get(
        reverse("account_reset_password_from_key", kwargs={"uidb36": "zz", "key": "wrong-key"}),
        follow=True,
        **GERMAN,
    )
    assert page.status_code == 200
    assert_formal(visible_text(page))


@pytest.mark.django_db
def test_the_login_page_has_no_du(client):
    page = client.get(reverse("account_login"), **GERMAN)
    assert page.status_code == 200
    assert not INFORMAL.findall(visible_text(page))


def test_the_login_refusal_after_too_many_failures_says_sie(client, editor):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": editor.username, "password": "wrong"})
    refused = client.post(
        reverse("account_login"), {"login": editor.username, "password": PASSWORD}, **GERMAN
    )
    assert refused.status_code in (200, 429)
    assert "_auth_user_id" not in client.session
    assert_formal(visible_text(refused))


def test_the_logout_question_says_sie(client, editor):
    log_in(client, editor)
    page = client.get(reverse("account_logout"), **GERMAN)
    assert page.status_code == 200
    assert_formal(visible_text(page))
