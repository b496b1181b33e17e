"""With one call in ten answered 503 and some handled but never answered (as the fan-out
benchmark runs it), every post still reaches every page, and none twice; the benchmark's
hooks on the fake work."""

from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery


def test_every_post_reaches_every_page_once(fake, office, publish_post, send_all):
    pages = [
        ConnectedAccount.objects.create(
            office=office, platform="linkedin", api_base=fake.url, **fake.connection_values(i)
        )
        for i in range(3)
    ]
    fake.failure_rate, fake.drop_rate = 0.1, 0.05
    for number in range(6):
        publish_post(title=f"Meldung {number}", body=f"Text der Meldung {number}.")

    statuses = send_all(rounds=30)

    assert fake.injected["failed"] and fake.injected["dropped"]
    assert {statuses[page.channel_key] for page in pages} == {Delivery.Status.PUBLISHED}
    assert (
        Delivery.objects.filter(channel__startswith="linkedin:")
        .exclude(status=Delivery.Status.PUBLISHED)
        .count()
        == 0
    )
    posted = fake.posts_by_account()
    assert sorted(posted) == sorted(page.remote_id for page in pages)
    for texts in posted.values():
        assert len(texts) == 6
        assert len(set(texts)) == 6
