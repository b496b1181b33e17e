"""The contract's fixtures: the platform under test (each test names the platforms it runs
for, from platforms.PLATFORMS), its fake on loopback and the office's account on it."""

import pytest

from rathaus.delivery.models import Delivery
from tests.connectors.contract.platforms import image


@pytest.fixture
def fake(platform, loopback_platforms):
    with platform.fake() as server:
        yield server


@pytest.fixture
def connected_account(platform, fake, connect_account):
    return platform.connect(fake, connect_account)


@pytest.fixture
def publish_one(platform, connected_account, publish_post):
    """A factory: a post as the platform takes it (with an image where it needs one),
    published; returns the post's delivery to the platform."""

    def publish(title="Sperrung", body="Die Brücke ist ab Montag gesperrt.", **fields):
        if platform.needs_image:
            fields.setdefault("images", [image(1)])
        post = publish_post(title=title, body=body, **fields)
        return Delivery.objects.get(post=post, channel=connected_account.channel_key)

    return publish


@pytest.fixture
def question(platform, fake, connected_account, publish_one):
    """A citizen's question below (or about) our post, fetched into the inbox: what the
    platform holds of it (``Written``) and the message it became."""
    from rathaus.inbox.models import Message
    from tests.helpers import fetch_account

    publish_one()
    written = platform.citizen_writes(fake, platform.posts(fake)[0], "Wie lange dauert das?", 1)
    assert fetch_account(connected_account) == 1
    return written, Message.objects.get(remote_id=written.id)
