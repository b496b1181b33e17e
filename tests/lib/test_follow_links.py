"""The registry the newsroom asks for an office's places to follow: the office's own
Fediverse accounts first, no link that is not a web address, and a failing source costs
only its own links."""

from __future__ import annotations

import pytest

from rathaus.lib import follow_links
from rathaus.lib.follow_links import FollowLink


@pytest.fixture
def sources():
    names: list[str] = []

    def add(name, source):
        follow_links.register(name, source)
        names.append(name)

    saved = dict(follow_links._sources)
    follow_links._sources.clear()  # only this test's sources
    yield add
    follow_links._sources.clear()
    follow_links._sources.update(saved)


def test_the_fediverse_comes_first_and_only_web_addresses_count(sources):
    sources(
        "platforms",
        lambda office: [
            FollowLink("Bluesky", "@amt.example", "https://bsky.app/profile/amt.example"),
            FollowLink("Evil", "x", "javascript:alert(1)"),
            FollowLink("Data", "x", "data:text/html,hi"),
        ],
    )
    sources(
        "fediverse",
        lambda office: [
            FollowLink("Fediverse", "@presse@a.example", "https://a.example/ap/presse", True)
        ],
    )
    found = follow_links.for_office(object())
    assert [link.network for link in found] == ["Fediverse", "Bluesky"]


def test_a_failing_source_costs_only_its_links(sources, caplog):
    def broken(office):
        raise RuntimeError("database gone")

    sources("broken", broken)
    sources("fine", lambda office: [FollowLink("X", "@amt", "https://x.com/amt")])
    assert [link.address for link in follow_links.for_office(object())] == ["@amt"]
    assert "follow links of broken failed" in caplog.text


def test_registering_again_replaces(sources):
    sources("same", lambda office: [FollowLink("A", "a", "https://a.example/")])
    sources("same", lambda office: [FollowLink("B", "b", "https://b.example/")])
    assert [link.network for link in follow_links.for_office(object())] == ["B"]
