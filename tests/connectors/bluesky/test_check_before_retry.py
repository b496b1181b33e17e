"""When the answer to a post got lost (the PDS created it, the connection dropped), the
retry finds the post in the account's repository and does not post it again (the plain
case: the contract, tests/connectors/contract/); here under a flaky server."""

from rathaus.delivery.models import Delivery


def test_a_flaky_server_never_gets_a_post_twice(fake, connected_account, publish_post, send_all):
    fake.failure_rate = 0.3
    bodies = [f"Meldung {n}: " + "Die Brücke am Kanal ist gesperrt. " * 12 for n in range(4)]

    for number, body in enumerate(bodies):
        publish_post(title=f"Sperrung {number}", body=body)
    statuses = send_all(rounds=40)

    assert statuses[connected_account.channel_key] == "published"
    deliveries = Delivery.objects.filter(channel=connected_account.channel_key)
    assert {d.status for d in deliveries} == {"published"}
    assert any(d.attempts > 1 for d in deliveries)  # the failures did hit
    texts = fake.posts_by_account()[fake.owner.did]
    assert len(texts) == len(set(texts))
    parts = sum(len(d.remote_parts) for d in deliveries)
    assert len(texts) == parts
