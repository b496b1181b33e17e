"""The LinkedIn connector's tests run against a fake of LinkedIn's REST API on loopback."""

import pytest

from tests.fakes.linkedin import LinkedInFake
from tests.fakes.server import serving

fake = serving(LinkedInFake)


@pytest.fixture
def connected_account(fake, connect_account):
    """The office's organisation page, connected with a token of one of its admins."""
    return fake.connect(connect_account)
