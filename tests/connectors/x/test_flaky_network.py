"""Under a flaky X (a share of calls answered 503, as in the benchmark, and answers lost
after the post was made) every post still arrives exactly once, including threads; the fake's benchmark hooks work as the bench
uses them (a no-argument FakeX, connection_values, posts_by_account)."""

import pytest

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from tests.fakes.x import FakeX


@pytest.fixture
def fake():
    server = FakeX()
    server.start()
    yield server
    server.stop()


def test_every_post_arrives_once_under_a_flaky_server(
    office, fake, publish_post, send_all, settings
):
    settings.DELIVERY_MAX_ATTEMPTS = 50  # this is about duplicates, not about giving up
    account = ConnectedAccount.objects.create(
        office=office, platform="x", api_base=fake.url, **fake.connection_values()
    )
    fake.failure_rate = 0.1
    fake.drop_after_handling_next()  # and two answers get lost after X made the post
    fake.drop_after_handling_next()
    texts = [f"Meldung {n}: " + "Die Lindenallee wird gesperrt. " * (n * 4) for n in range(6)]
    for n, text in enumerate(texts):
        publish_post(title=f"Meldung {n}", body=text)

    statuses = send_all(rounds=50)

    posted = fake.posts_by_account()[account.remote_id]
    assert statuses[account.channel_key] == "published"
    assert Delivery.objects.filter(channel=account.channel_key, status="published").count() == 6
    assert len(posted) == len(set(posted)) > 6  # threads among them, nothing twice
    assert Delivery.objects.filter(channel=account.channel_key, attempts__gt=1).exists()
