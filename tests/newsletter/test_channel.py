"""The newsletter is a delivery channel: on for offices that switched it on, taking a post
only when someone confirmed its category, published as soon as the mailing is queued, and
telling the desk how far the mails got."""

from django.core import mail
from django.utils import translation

from rathaus.delivery import channels
from rathaus.delivery.models import Delivery
from rathaus.newsletter.channel import NewsletterChannel
from rathaus.newsletter.models import Mailing, NewsletterSettings, Send, Subscriber


def _subscriber(office, email, categories="*", status=Subscriber.Status.CONFIRMED):
    return Subscriber.objects.create(
        office=office, email=email, categories=categories, status=status
    )


def test_it_is_registered_as_the_newsletter_channel(office):
    channel = channels.get("newsletter")
    assert isinstance(channel, NewsletterChannel)
    assert str(channel.name) == "Newsletter"
    assert isinstance(channel, channels.Publishes)
    assert not isinstance(channel, channels.Updates | channels.Withdraws)


def test_only_offices_that_switched_it_on_have_the_channel(office, other_office):
    NewsletterSettings.objects.create(office=office, enabled=True)
    NewsletterSettings.objects.create(office=other_office, enabled=False)
    assert "newsletter" in [c.key for c in channels.for_office(office)]
    assert "newsletter" not in [c.key for c in channels.for_office(other_office)]


def test_a_post_goes_only_to_the_confirmed_subscribers_of_its_category(office, publish_post):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscriber(office, "alles@example.org")
    _subscriber(office, "baustellen@example.org", ",short_notice,")
    _subscriber(office, "termine@example.org", ",meeting,notice,")
    _subscriber(office, "offen@example.org", status=Subscriber.Status.PENDING)
    _subscriber(office, "tot@example.org", status=Subscriber.Status.BOUNCED)

    post = publish_post(title="Sitzung des Rates", body="Am Dienstag.", category="meeting")

    delivery = Delivery.objects.get(post=post, channel="newsletter")
    assert delivery.status == Delivery.Status.PUBLISHED
    mailing = Mailing.objects.get(post=post)
    assert delivery.remote_id == f"newsletter:{mailing.pk}"
    assert sorted(m.to[0] for m in mail.outbox) == ["alles@example.org", "termine@example.org"]


def test_a_post_nobody_chose_gets_no_delivery(office, publish_post):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscriber(office, "baustellen@example.org", ",short_notice,")
    _subscriber(office, "offen@example.org", status=Subscriber.Status.PENDING)
    post = publish_post(title="Pressemitteilung", body="Text.", category="press_release")
    assert not Delivery.objects.filter(post=post, channel="newsletter").exists()
    assert mail.outbox == []


def test_the_same_delivery_sent_again_makes_no_second_mailing(office, publish_post):
    from rathaus.newsletter import mailings

    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscriber(office, "alles@example.org")
    post = publish_post(title="Sitzung", body="Am Dienstag.", category="meeting")
    delivery = Delivery.objects.get(post=post, channel="newsletter")
    mailings.queue(delivery)  # e.g. a worker died after queuing and the delivery was retried
    assert Mailing.objects.count() == 1
    assert Send.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_desk_reads_how_far_the_mails_got(office, publish_post):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscriber(office, "alles@example.org")
    _subscriber(office, "auch@example.org")
    post = publish_post(title="Sitzung", body="Am Dienstag.", category="meeting")
    delivery = Delivery.objects.get(post=post, channel="newsletter")
    with translation.override("en"):
        assert channels.get("newsletter").progress(delivery) == "sent to 2 of 2 subscribers"


def test_the_progress_line_counts_with_thousands_separators(office, publish_post):
    NewsletterSettings.objects.create(office=office, enabled=True)
    _subscriber(office, "alles@example.org")
    post = publish_post(title="Sitzung", body="Am Dienstag.", category="meeting")
    mailing = Mailing.objects.get(post=post)
    Send.objects.all().delete()
    statuses = ["sent"] * 1234 + ["queued"] * 63 + ["failed"] * 3
    Send.objects.bulk_create(
        Send(mailing=mailing, batch=0, status=status, bounce="hard" if n < 3 else "")
        for n, status in enumerate(statuses)
    )
    delivery = Delivery.objects.get(post=post, channel="newsletter")
    with translation.override("en"):
        line = channels.get("newsletter").progress(delivery)
    assert line == "sent to 1,234 of 1,300 subscribers · 63 waiting · 3 bounced · 3 failed"
