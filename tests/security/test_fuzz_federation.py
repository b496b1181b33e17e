"""Fuzzing the ActivityPub inboxes: 1,000 generated malformed requests each, unsigned and
signed with a known citizen's key, with a fixed seed. Never a 5xx, never an unhandled
exception (processing in the background included), and nothing stored from a request that
was refused."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.helpers import CITIZEN
from tests.security.fuzzing import (
    FUZZ,
    both_outcomes,
    checked,
    deep,
    hostile_bytes,
    hostile_text,
    json_values,
    no_unhandled_exceptions,
)

PUBLIC = "https://www.w3.org/ns/activitystreams#Public"
ACTOR = "http://rathaus.example/ap/presse"
INBOXES = ["/ap/inbox", "/ap/presse/inbox"]


pytestmark = pytest.mark.usefixtures("federation_over_http")


def _valid_activities(published_pk: int) -> list[dict]:
    note = {
        "id": f"{CITIZEN}/statuses/1",
        "type": "Note",
        "attributedTo": CITIZEN,
        "inReplyTo": f"{ACTOR}/notes/{published_pk}",
        "content": "<p>Wann wird gefällt?</p>",
        "url": "https://social.example/@anna/1",
        "to": [PUBLIC],
        "cc": [ACTOR],
    }
    return [
        {"id": f"{CITIZEN}/a/1", "type": "Create", "actor": CITIZEN, "object": note},
        {"id": f"{CITIZEN}/a/2", "type": "Follow", "actor": CITIZEN, "object": ACTOR},
        {"id": f"{CITIZEN}/a/3", "type": "Like", "actor": CITIZEN, "object": note["inReplyTo"]},
        {"id": f"{CITIZEN}/a/4", "type": "Update", "actor": CITIZEN, "object": note},
        {"id": f"{CITIZEN}/a/5", "type": "Delete", "actor": CITIZEN, "object": note["id"]},
        {
            "id": f"{CITIZEN}/a/6",
            "type": "Undo",
            "actor": CITIZEN,
            "object": {"type": "Follow", "actor": CITIZEN, "object": ACTOR},
        },
        {"id": f"{CITIZEN}/a/7", "type": "Flag", "actor": CITIZEN, "object": [ACTOR]},
    ]


def _mutated(activity: dict, path: list[str], value) -> dict:
    """``activity`` with the field at ``path`` (into nested objects) replaced by ``value``."""
    copy = json.loads(json.dumps(activity))
    target = copy
    for key in path[:-1]:
        if not isinstance(target.get(key), dict):
            target[key] = {}
        target = target[key]
    target[path[-1]] = value
    return copy


FIELDS = [
    ["type"],
    ["actor"],
    ["id"],
    ["object"],
    ["to"],
    ["cc"],
    ["object", "type"],
    ["object", "id"],
    ["object", "content"],
    ["object", "url"],
    ["object", "inReplyTo"],
    ["object", "attributedTo"],
    ["object", "to"],
    ["object", "tag"],
    ["object", "attachment"],
    ["object", "published"],
    ["object", "object"],
]


@pytest.mark.django_db
def test_unsigned_garbage_is_refused_and_stores_nothing(client, account):
    @FUZZ
    @given(
        path=st.sampled_from(INBOXES),
        body=hostile_bytes,
        content_type=st.sampled_from(
            ["application/activity+json", "application/ld+json", "text/plain", ""]
        ),
        signature=st.one_of(st.none(), hostile_text),
        date=st.one_of(st.none(), hostile_text),
    )
    def fuzz(path, body, content_type, signature, date):
        headers = {}
        if signature is not None:
            headers["Signature"] = signature
            headers["Signature-Input"] = signature
        if date is not None:
            headers["Date"] = date
        response = checked(
            lambda: client.generic(
                "POST", path, body, content_type=content_type, headers=_ascii(headers)
            )
        )
        assert response.status_code >= 400  # unsigned is never accepted

    with no_unhandled_exceptions():
        fuzz()


@pytest.mark.django_db
def test_signed_malformed_activities_never_fail(deliver, citizen, account, published):
    valid = _valid_activities(published.pk)

    seen: list[int] = []

    @FUZZ
    @given(
        path=st.sampled_from(INBOXES),
        choice=st.integers(min_value=0, max_value=len(valid) - 1),
        field=st.sampled_from(FIELDS),
        value=json_values,
        whole=st.one_of(st.none(), json_values),
    )
    def fuzz(path, choice, field, value, whole):
        activity = _mutated(valid[choice], field, value) if whole is None else whole
        checked(lambda: deliver(path, activity), seen=seen)

    with no_unhandled_exceptions():
        fuzz()
        both_outcomes(seen)


@pytest.mark.django_db
@pytest.mark.parametrize("as_list", [True, False])
@pytest.mark.parametrize("where", ["whole", "object", "content"])
def test_deeply_nested_json_is_refused(deliver, citizen, account, published, as_list, where):
    nested = deep(50_000, as_list=as_list)
    activity = json.dumps(_valid_activities(published.pk)[0])
    if where == "whole":
        body = nested
    elif where == "object":
        body = activity.replace('"object": {', f'"object": {{"deep": {nested}, ', 1)
    else:
        body = activity.replace('"type": "Create"', f'"type": "Create", "x": {nested}', 1)
    with no_unhandled_exceptions():
        response = checked(lambda: deliver("/ap/inbox", {}, body=body.encode()))
    assert 400 <= response.status_code < 500


def _ascii(headers: dict[str, str]) -> dict[str, str]:
    """Header values as a client can send them (latin-1), the rest replaced."""
    return {
        name: value.encode("latin-1", "replace").decode("latin-1").replace("\n", " ")
        for name, value in headers.items()
    }
