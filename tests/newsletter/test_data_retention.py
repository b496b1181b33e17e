"""What the newsletter keeps, and how long: a subscription not confirmed within 7 days of
its last confirmation mail is deleted by the daily task; a bounced address after 30 days;
confirmed subscriptions stay; send rows outlive a deleted subscriber only as counts."""

from datetime import timedelta

import time_machine
from django.utils import timezone

from rathaus.newsletter import tasks
from rathaus.newsletter.models import NewsletterSettings, Send, Subscriber


def _subscriber(office, email, status, **fields):
    return Subscriber.objects.create(office=office, email=email, status=status, **fields)


def test_the_daily_task_deletes_stale_pending_and_old_bounced_addresses(office):
    now = timezone.now()
    Pending, Confirmed, Bounced = (
        Subscriber.Status.PENDING,
        Subscriber.Status.CONFIRMED,
        Subscriber.Status.BOUNCED,
    )
    _subscriber(office, "alt@example.org", Pending, confirmation_sent_at=now - timedelta(days=8))
    _subscriber(office, "neu@example.org", Pending, confirmation_sent_at=now - timedelta(days=6))
    _subscriber(office, "treu@example.org", Confirmed, confirmed_at=now - timedelta(days=900))
    _subscriber(office, "tot@example.org", Bounced, bounced_at=now - timedelta(days=31))
    _subscriber(office, "frisch-tot@example.org", Bounced, bounced_at=now - timedelta(days=2))

    assert tasks.newsletter_daily_clean_up.call_local() == (1, 1)

    assert sorted(Subscriber.objects.values_list("email", flat=True)) == [
        "frisch-tot@example.org",
        "neu@example.org",
        "treu@example.org",
    ]


def test_a_new_confirmation_mail_gives_a_pending_address_another_seven_days(
    client, office, django_capture_on_commit_callbacks
):
    from rathaus.lib import spam

    NewsletterSettings.objects.create(office=office, enabled=True)
    start = timezone.now()

    def subscribe():
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                "/mitte/newsletter/",
                {"email": "anna@example.org", "categories": ["notice"], "nonce": spam.new_nonce()},
            )

    subscribe()
    with time_machine.travel(start + timedelta(days=5)):
        subscribe()
    with time_machine.travel(start + timedelta(days=8)):
        tasks.newsletter_daily_clean_up.call_local()
        assert Subscriber.objects.count() == 1
    with time_machine.travel(start + timedelta(days=12, hours=1)):
        tasks.newsletter_daily_clean_up.call_local()
        assert Subscriber.objects.count() == 0


def test_send_rows_keep_only_counts_after_a_subscriber_is_deleted(office, publish_post):
    NewsletterSettings.objects.create(office=office, enabled=True)
    anna = _subscriber(office, "anna@example.org", Subscriber.Status.CONFIRMED)
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    anna.delete()
    send = Send.objects.get()
    assert send.subscriber is None
    assert send.status == Send.Status.SENT
