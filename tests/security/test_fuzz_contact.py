"""Fuzzing the contact form, the question about a post and the citizen's follow page: 1,000
generated malformed inputs each, with a fixed seed. Never a 5xx, never an unhandled
exception, nothing stored from a rejected request."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import example, given
from hypothesis import strategies as st

from tests.security.fuzzing import (
    FUZZ,
    both_outcomes,
    checked,
    form_data,
    hostile_bytes,
    hostile_text,
    mostly_valid,
    no_unhandled_exceptions,
    path_segment,
)

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
        data = form_data(fields, nonce_ok=nonce_ok)
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
        path = f"/{office.slug}/anfrage/{path_segment(token)}/"
        send = getattr(client, method)
        response = checked(lambda: send(path, form_data(fields, nonce_ok=True)))
        assert response.status_code >= 400  # no forged token opens a conversation

    with no_unhandled_exceptions():
        fuzz()
