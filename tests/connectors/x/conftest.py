"""The X connector's tests run against a fake of X's API v2 on loopback."""

import pytest

from tests.fakes.server import serving
from tests.fakes.x import FakeX

fake = serving(FakeX)


@pytest.fixture
def connected_account(fake, connect_account):
    """The office's account @ba_mitte (user 1), connected to the fake."""
    return fake.connect(connect_account)
