"""A status Mastodon refuses (422, 400) fails for good, with Mastodon's own reason in the
delivery's last error; it is not retried."""

import pytest

from rathaus.delivery.models import Delivery
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving

fake = serving(FakeMastodon)


@pytest.fixture
def mastodon(connect_account, fake):
    return connect_account("mastodon", api_base=fake.url, **fake.connection_values())


def test_a_status_the_server_refuses_fails_with_mastodons_reason(mastodon, fake, publish_post):
    fake.max_characters = 40  # the admin lowered the limit since the account was connected

    publish_post(title="Baum", body="Zwei Linden werden am Montag gefällt.")

    delivery = Delivery.objects.get(channel=mastodon.channel_key)
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert delivery.last_error == "Mastodon: Validation failed: Text character limit of 40 exceeded"
    assert len(fake.calls("POST", r"^/api/v1/statuses$")) == 1


def test_a_400_fails_with_mastodons_reason(mastodon, fake, publish_post):
    fake.fail_next(400, body={"error": "Bad request: language is invalid"}, path=r"/statuses$")

    publish_post(title="Baum", body="Zwei Linden werden am Montag gefällt.")

    delivery = Delivery.objects.get(channel=mastodon.channel_key)
    assert delivery.status == "failed"
    assert "language is invalid" in delivery.last_error
