"""The Telegram connector's tests run against a fake Bot API (and channel preview) on
loopback."""

import pytest

from tests.fakes.server import serving
from tests.fakes.telegram import FakeTelegram

telegram = serving(FakeTelegram)


@pytest.fixture
def connected_account(telegram, connect_account):
    """The office's public channel @bezirksamt_mitte, with a bot that may post in it."""
    return telegram.connect(connect_account)
