"""When Mastodon created the status but its answer got lost, the retry looks through the
account's own recent statuses (their HTML compared as text) and finds it instead of
posting it again."""

from rathaus.delivery.models import Delivery

BODY = (
    "Am Montag wird die Lindenallee gesperrt.\n\nUmleitung: "
    "https://www.berlin.de/ba-mitte/verkehr/umleitungen/lindenallee-2025.html & <Details>"
)


def test_the_retry_finds_the_status_and_does_not_post_twice(
    connected_account, fake, publish_post, send_all
):
    fake.drop_after_handling_next()

    publish_post(title="Sperrung", body=BODY)

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    [status] = fake.posted()
    assert delivery.status == "queued"
    assert "network" in delivery.last_error

    send_all()

    delivery.refresh_from_db()
    assert fake.posted() == [status]
    assert len(fake.calls("POST", r"^/api/v1/statuses$")) == 1
    assert fake.calls("GET", rf"^/api/v1/accounts/{fake.office.id}/statuses$")
    assert delivery.status == "published"
    assert delivery.remote_id == status.id


def test_a_retry_that_finds_nothing_posts(connected_account, fake, publish_post, send_all):
    fake.fail_next(502, path=r"/statuses$")

    publish_post(title="Sperrung", body=BODY)
    send_all()

    assert len(fake.posted()) == 1
    assert fake.calls("GET", rf"^/api/v1/accounts/{fake.office.id}/statuses$")
    assert Delivery.objects.get(channel=connected_account.channel_key).status == "published"


def test_a_retry_a_person_asks_for_also_looks_first(
    connected_account, fake, publish_post, approver
):
    from rathaus.delivery import sending

    fake.drop_after_handling_next()
    publish_post(title="Sperrung", body=BODY)
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    # As if every automatic attempt had failed: a person retries, attempts count from 0.
    Delivery.objects.filter(pk=delivery.pk).update(status="failed")
    sending.retry(delivery, by=approver)

    delivery.refresh_from_db()
    assert delivery.status == "published"
    assert len(fake.posted()) == 1
    assert len(fake.calls("POST", r"^/api/v1/statuses$")) == 1
