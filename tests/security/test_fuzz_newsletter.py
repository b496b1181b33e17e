"""Fuzzing the newsletter's subscription and subscriber pages: 1,000 generated malformed
inputs each, with a fixed seed. Never a 5xx, never an unhandled exception, nothing stored
from a rejected request."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from rathaus.newsletter.models import NewsletterSettings
from tests.security.fuzzing import (
    FUZZ,
    both_outcomes,
    checked,
    form_data,
    hostile_text,
    mostly_valid,
    no_unhandled_exceptions,
    path_segment,
)


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
        data = form_data(fields, nonce_ok=nonce_ok) | {"categories": chosen}
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
        path = f"/{office.slug}/newsletter/{page}/{path_segment(token)}/"
        send = getattr(client, method)
        response = checked(lambda: send(path, data), rejected_store_nothing=True)
        if "List-Unsubscribe" not in data:
            assert response.status_code >= 400  # a forged token is nobody's page

    with no_unhandled_exceptions():
        fuzz()
