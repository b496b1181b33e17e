"""Fuzzing the newsroom's search: 1,000 generated malformed queries, with a fixed seed.
Never a 5xx, never an unhandled exception."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.security.fuzzing import (
    FUZZ,
    checked,
    hostile_text,
    no_unhandled_exceptions,
)


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
