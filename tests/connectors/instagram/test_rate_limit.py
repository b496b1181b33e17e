"""Instagram: Meta's rate limits (the account's business-use-case limit 80002, the
publishing limit of posts per 24 hours, HTTP 429) queue the delivery for as long as Meta
says, and the post goes out afterwards, once."""

from datetime import timedelta

import pytest
from django.utils import timezone

from rathaus.delivery.models import Delivery
from tests.fakes.graph import FakeGraph, png, publish_with_images
from tests.fakes.server import serving

graph = serving(FakeGraph)


@pytest.fixture
def instagram(graph, connect_account):
    return connect_account("instagram", api_base=graph.url, **graph.connection_values("instagram"))


@pytest.fixture
def publish(office, editor, approver, django_capture_on_commit_callbacks):
    return lambda: publish_with_images(
        office,
        editor,
        approver,
        django_capture_on_commit_callbacks,
        [png()],
        title="Linden",
        body="Neu.",
    )


def test_the_account_limit_waits_as_long_as_meta_says(graph, instagram, publish, send_all):
    graph.throttle_next(code=80002, minutes=12, path=r"/media$")
    before = timezone.now()

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "queued"
    assert "too many calls to this Instagram account" in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(minutes=12)
    assert send_all()[instagram.channel_key] == "published"
    assert len(graph.media) == 1


def test_the_daily_publishing_limit_is_waited_out(graph, instagram, publish):
    graph.error_next(
        9,
        "Application request limit reached",
        subcode=2207042,
        path=r"/media_publish$",
    )
    before = timezone.now()

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.status == "queued"
    assert "(code 9/2207042" in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(minutes=5)
    assert graph.media == {}


def test_a_429_waits_for_its_retry_after(graph, instagram, publish, send_all):
    graph.fail_next(429, headers={"Retry-After": "90"}, path=r"/media_publish$")
    before = timezone.now()

    publish()

    delivery = Delivery.objects.get(channel=instagram.channel_key)
    assert delivery.next_attempt_at >= before + timedelta(seconds=90)
    assert send_all()[instagram.channel_key] == "published"
    assert len(graph.media) == 1
