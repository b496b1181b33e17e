"""The Facebook connector's tests run against a fake of Meta's Graph API on loopback."""

import pytest

from tests.fakes.graph import FakeGraph
from tests.fakes.server import serving

graph = serving(FakeGraph)


@pytest.fixture
def connected_account(graph, connect_account):
    """The office's page "Bezirksamt Mitte", connected to the fake with its page token."""
    return graph.connect(connect_account)
