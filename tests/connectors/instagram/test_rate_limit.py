"""Instagram: Meta's rate limits (the account's business-use-case limit 80002, the
publishing limit of posts per 24 hours, HTTP 429) queue the delivery for as long as Meta
says, and the post goes out afterwards, once (HTTP 429: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery


def test_the_account_limit_waits_as_long_as_meta_says(
    graph, connected_account, publish_photo_post, send_all
):
    graph.throttle_next(code=80002, minutes=12, path=r"/media$")
    before = timezone.now()

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "too many calls to this Instagram account" in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(minutes=12)
    assert send_all()[connected_account.channel_key] == "published"
    assert len(graph.media) == 1


def test_the_daily_publishing_limit_is_waited_out(graph, connected_account, publish_photo_post):
    graph.error_next(
        9,
        "Application request limit reached",
        subcode=2207042,
        path=r"/media_publish$",
    )
    before = timezone.now()

    publish_photo_post()

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "(code 9/2207042" in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(minutes=5)
    assert graph.media == {}
