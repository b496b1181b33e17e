"""The Mastodon connector's tests run against a fake Mastodon instance on loopback."""

import pytest

from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving

fake = serving(FakeMastodon)


@pytest.fixture
def connected_account(fake, connect_account):
    """The office's account @bezirksamt@social.example, connected to the fake."""
    return fake.connect(connect_account)
