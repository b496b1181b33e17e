"""Facebook: Meta's rate limits (codes 4, 17, 32, 613 with HTTP 400, or HTTP 429) put the
delivery back in the queue for as long as Meta says — ``estimated_time_to_regain_access``
in X-Business-Use-Case-Usage, in minutes — and the post goes out afterwards, once (HTTP 429: the contract)."""

from datetime import timedelta

from django.utils import timezone

from rathaus.delivery.models import Delivery


def test_it_waits_as_long_as_the_usage_header_says_then_posts(
    graph, connected_account, publish_post, send_all
):
    graph.throttle_next(code=32, minutes=7, path=r"/feed$")
    before = timezone.now()

    publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "(#32) Page request limit reached" in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(minutes=7)
    assert graph.posts == {}

    assert send_all()[connected_account.channel_key] == "published"
    assert len(graph.posts) == 1


def test_an_app_limit_without_an_estimate_waits_five_minutes(
    graph, connected_account, publish_post
):
    graph.error_next(4, "(#4) Application request limit reached", path=r"/feed$")
    before = timezone.now()

    publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "(#4) Application request limit reached (code 4" in delivery.last_error
    assert delivery.next_attempt_at >= before + timedelta(minutes=5)
