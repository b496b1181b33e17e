"""The Telegram connector's tests run against a fake Bot API (and channel preview) on
loopback."""

import pytest

from rathaus.posts import lifecycle
from tests.fakes.server import serving
from tests.fakes.telegram import FakeTelegram

telegram = serving(FakeTelegram)


@pytest.fixture
def connected_account(telegram, connect_account):
    """The office's public channel @bezirksamt_mitte, with a bot that may post in it."""
    return telegram.connect(connect_account)


@pytest.fixture
def photo_post(office, editor, approver, tiny_png):
    """A factory: a post with one image and ``body``, approved and ready to publish."""

    def make(body):
        post = lifecycle.create_draft(office, by=editor, title="Bänke", body=body)
        lifecycle.add_image(
            post, by=editor, file=tiny_png, alt_text="Bank", author="P", licence="CC0"
        )
        lifecycle.submit(post, by=editor)
        return lifecycle.approve(post, by=approver)

    return make
