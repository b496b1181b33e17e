"""The Facebook connector's tests run against a fake of Meta's Graph API on loopback."""

import pytest

from tests.fakes.graph import FakeGraph, comment_in_inbox
from tests.fakes.server import serving

graph = serving(FakeGraph)


@pytest.fixture
def connected_account(graph, connect_account):
    """The office's page "Bezirksamt Mitte", connected to the fake with its page token."""
    return graph.connect(connect_account)


@pytest.fixture
def comment(graph, connected_account, publish_post):
    """A citizen's comment below the page's post, fetched into the inbox (its message)."""
    return comment_in_inbox(graph, connected_account, publish_post)
