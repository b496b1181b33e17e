"""Fuzzing the newsroom's forms and search: the contact form, the question about a post,
the citizen's follow page, the newsletter's subscription and subscriber pages, and search —
1,000 generated malformed inputs each, with a fixed seed. Never a 5xx, never an unhandled
exception, nothing stored from a rejected request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from rathaus.lib import spam
from rathaus.newsletter.models import NewsletterSettings
from tests.security.fuzzing import (
    FUZZ,
    both_outcomes,
    checked,
    hostile_bytes,
    hostile_text,
    mostly_valid,
    no_unhandled_exceptions,
)


def _form(fields: dict, *, nonce_ok: bool) -> dict:
    data = {name: value for name, value in fields.items() if value is not None}
    if nonce_ok:
        data["nonce"] = spam.new_nonce()
    return data


# The contact form as a citizen fills it in ("nonce" absent: ``nonce_ok`` adds a fresh one).
VALID_CONTACT = {
    "name": "Anna Beispiel",
    "email": "anna@example.org",
    "message": "Wann wird die Linde gefällt?",
    "website": "",
    "nonce": None,
    "work": None,
    "consent": "on",
}
contact_fields = mostly_valid(
    VALID_CONTACT,
    {
        "name": hostile_text,
        "email": hostile_text,
        "message": hostile_text,
        "website": st.one_of(st.just(""), hostile_text),
        "nonce": hostile_text,
        "work": hostile_text,
        "consent": hostile_text,
    },
)
photos = st.one_of(
    st.none(),
    hostile_bytes.map(lambda raw: SimpleUploadedFile("foto.jpg", raw, "image/jpeg")),
)


@pytest.mark.django_db
def test_the_contact_form_and_the_question_about_a_post(client, office, published):
    targets = [f"/{office.slug}/kontakt/", f"/{office.slug}/meldungen/{published.pk}/frage/"]

    seen: list[int] = []

    @FUZZ
    # Both outcomes whatever the seed: the form as sent, and the same form with a stale nonce.
    @example(target=targets[0], fields=VALID_CONTACT, nonce_ok=True, photo=None)
    @example(target=targets[1], fields=VALID_CONTACT, nonce_ok=False, photo=None)
    @given(
        target=st.sampled_from(targets),
        fields=contact_fields,
        nonce_ok=st.booleans(),
        photo=photos,
    )
    def fuzz(target, fields, nonce_ok, photo):
        data = _form(fields, nonce_ok=nonce_ok)
        if photo is not None:
            photo.seek(0)
            data["photo"] = photo
        checked(lambda: client.post(target, data), seen=seen)

    with no_unhandled_exceptions():
        fuzz()
        both_outcomes(seen)


@pytest.mark.django_db
def test_the_follow_page_with_forged_tokens(client, office):
    @FUZZ
    @given(token=hostile_text, method=st.sampled_from(["get", "post"]), fields=contact_fields)
    def fuzz(token, method, fields):
        path = f"/{office.slug}/anfrage/{_segment(token)}/"
        send = getattr(client, method)
        response = checked(lambda: send(path, _form(fields, nonce_ok=True)))
        assert response.status_code >= 400  # no forged token opens a conversation

    with no_unhandled_exceptions():
        fuzz()


@pytest.fixture
def newsletter(office):
    return NewsletterSettings.objects.create(office=office, enabled=True)


@pytest.mark.django_db
def test_the_newsletter_subscription(client, office, newsletter):
    valid = {"email": "anna@example.org", "website": "", "nonce": None}
    fields = mostly_valid(
        valid,
        {
            "email": hostile_text,
            "website": st.one_of(st.just(""), hostile_text),
            "nonce": hostile_text,
        },
    )
    categories = st.lists(st.one_of(st.sampled_from(["press_release", "emergency"]), hostile_text))

    seen: list[int] = []

    @FUZZ
    @example(fields=valid, chosen=["press_release"], nonce_ok=True)
    @example(fields=valid, chosen=["press_release"], nonce_ok=False)
    @given(fields=fields, chosen=categories, nonce_ok=st.booleans())
    def fuzz(fields, chosen, nonce_ok):
        data = _form(fields, nonce_ok=nonce_ok) | {"categories": chosen}
        checked(lambda: client.post(f"/{office.slug}/newsletter/", data), seen=seen)

    with no_unhandled_exceptions():
        fuzz()
        both_outcomes(seen)


@pytest.mark.django_db
def test_the_subscriber_pages_with_forged_tokens(client, office, newsletter):
    @FUZZ
    @given(
        page=st.sampled_from(["bestaetigen", "abmelden"]),
        token=hostile_text,
        method=st.sampled_from(["get", "post"]),
        data=st.dictionaries(
            st.sampled_from(["unsubscribe", "categories", "language", "List-Unsubscribe"]),
            hostile_text,
            max_size=3,
        ),
    )
    def fuzz(page, token, method, data):
        path = f"/{office.slug}/newsletter/{page}/{_segment(token)}/"
        send = getattr(client, method)
        response = checked(lambda: send(path, data), rejected_store_nothing=True)
        if "List-Unsubscribe" not in data:
            assert response.status_code >= 400  # a forged token is nobody's page

    with no_unhandled_exceptions():
        fuzz()


@pytest.mark.django_db
def test_search(client, office, published):
    @FUZZ
    @given(
        params=st.dictionaries(
            st.sampled_from(["q", "page", "seite", "kategorie", "thema", "sort"]),
            hostile_text,
            max_size=4,
        )
    )
    def fuzz(params):
        checked(lambda: client.get(f"/{office.slug}/suche/", params))

    with no_unhandled_exceptions():
        fuzz()


def _segment(text: str) -> str:
    """Text as one path segment: a URL router never sees a slash or a NUL inside it."""
    cleaned = "".join(c for c in text if c not in "/?#\x00" and c.isprintable())
    return cleaned or "x"
