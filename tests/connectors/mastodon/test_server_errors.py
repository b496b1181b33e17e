"""A server error (5xx) or a broken connection is temporary: the delivery is retried and
then published, once (a 5xx: the contract, tests/connectors/contract/)."""

from rathaus.delivery.models import Delivery


def test_a_server_that_is_down_is_retried(connected_account, fake, publish_post):
    fake.stop()

    publish_post(title="Baum", body="Zwei Linden werden gefällt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "network" in delivery.last_error


def test_it_survives_a_flaky_server_without_posting_twice(
    connected_account, fake, publish_post, send_all
):
    fake.failure_rate = 0.3

    for n in range(5):
        publish_post(title=f"Meldung {n}", body=f"Text der Meldung {n}.")
    send_all(rounds=40)

    statuses = fake.posts_by_account()[fake.office.id]
    assert (
        Delivery.objects.filter(channel=connected_account.channel_key, status="published").count()
        == 5
    )
    assert len(statuses) == len(set(statuses)) == 5
