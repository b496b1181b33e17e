"""A delivery or fetch the SSRF guard refuses is refused for good (issue 10, item 21): it
fails at once instead of being retried as if the server were down, and does not count
against the server's availability."""

from __future__ import annotations

import pytest
from django.utils import timezone

from rathaus.delivery.channels import PermanentError
from rathaus.federation import activities, fanout, remote
from rathaus.federation.models import Follower, Outgoing, RemoteActor, RemoteHost
from rathaus.lib import netguard


@pytest.fixture(autouse=True)
def _no_private_hosts(settings):
    settings.FEDERATION_ALLOW_HTTP = True
    settings.FEDERATION_PRIVATE_HOSTS = []


def _follower(account, inbox: str) -> Follower:
    actor = RemoteActor.objects.create(uri=f"{inbox}/actor", domain="x", inbox=inbox)
    return Follower.objects.create(account=account, actor=actor)


@pytest.mark.parametrize(
    "inbox",
    [
        "http://127.0.0.1:9/inbox",  # an address: refused before connecting
        "http://localhost:9/inbox",  # a name resolving to loopback: refused by the resolver
        "http://[::ffff:10.0.0.1]:9/inbox",
        "ftp://example.org/inbox",
    ],
)
def test_a_delivery_the_guard_refuses_fails_at_once(account, publish_post, inbox):
    _follower(account, inbox)
    publish_post(title="A", body="B", category="service")

    row = Outgoing.objects.get()
    assert row.status == Outgoing.Status.FAILED
    assert row.attempts == 1
    assert "Refused" in row.last_error
    assert not RemoteHost.objects.filter(failing_since__isnull=False).exists()


def test_a_refused_delivery_is_not_tried_again_by_the_next_run(account, publish_post):
    _follower(account, "http://127.0.0.1:9/inbox")
    publish_post(title="A", body="B", category="service")
    Outgoing.objects.update(next_attempt_at=timezone.now())
    assert fanout.deliver(budget=1) == 0
    assert Outgoing.objects.get().attempts == 1


def test_an_unreachable_allowed_server_is_still_tried_again(account, publish_post, settings):
    # The other side of the line: a server that does not answer is temporary.
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    _follower(account, "http://127.0.0.1:9/inbox")
    publish_post(title="A", body="B", category="service")
    assert Outgoing.objects.get().status == Outgoing.Status.QUEUED


@pytest.mark.parametrize("refused", [remote.Refused("not public"), netguard.Refused("private")])
def test_the_fediverse_channel_reports_a_refusal_as_permanent(
    account, published, monkeypatch, refused
):
    from rathaus.delivery.models import Delivery
    from rathaus.federation.channel import FediverseChannel

    def refuse(*_args, **_kwargs):
        raise refused

    monkeypatch.setattr(activities, "publish", refuse)
    monkeypatch.setattr(activities, "update", refuse)
    delivery = Delivery(subject=published, channel="fediverse")
    channel = FediverseChannel()
    for call in (channel.publish, channel.update):
        with pytest.raises(PermanentError):
            call(delivery)
