"""The benchmark's weather: a share of all calls answer 503. Every post still goes out,
and none twice."""

from collections import Counter

from rathaus.delivery.models import Delivery


def test_posts_survive_a_flaky_api_without_duplicates(
    connect_account, telegram, publish_post, send_all
):
    account = connect_account("telegram", api_base=telegram.url, **telegram.connection_values())
    telegram.failure_rate = 0.3

    for number in range(8):
        publish_post(title=f"Meldung {number}", body="Kurz. " * (number * 150 + 1))
    statuses = send_all(rounds=40)

    assert statuses[account.channel_key] == "published"
    assert set(
        Delivery.objects.filter(channel=account.channel_key).values_list("status", flat=True)
    ) == {"published"}
    [texts] = telegram.posts_by_account().values()
    assert Counter(texts).most_common(1)[0][1] == 1
    assert sum(1 for t in texts if t.startswith("Meldung")) == 8
