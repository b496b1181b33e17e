"""The Bluesky connector's tests run against a fake PDS on loopback."""

import pytest

from tests.fakes.bluesky import FakeBluesky
from tests.fakes.server import serving

fake = serving(FakeBluesky)


@pytest.fixture
def connected_account(fake, connect_account):
    """The office's account mitte.bsky.social, connected to the fake with a fresh session."""
    return fake.connect(connect_account)
