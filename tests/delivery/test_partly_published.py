"""A post some of whose channels failed is shown as partly published, and one channel can be
retried from its page."""

from rathaus.delivery import channels, outbox, sending
from rathaus.delivery.models import Delivery
from tests.helpers import log_in


def _fail_scripted(post, scripted_channel) -> Delivery:
    outbox.enqueue(post, outbox.Action.PUBLISH)
    delivery = Delivery.objects.get(post=post, channel="scripted")
    scripted_channel.outcomes = [channels.PermanentError("Der Beitrag wurde abgelehnt.")]
    sending.send(delivery.pk)
    return delivery


def test_a_post_with_a_failed_channel_is_partly_published(published, scripted_channel):
    assert not published.partly_published
    _fail_scripted(published, scripted_channel)
    assert published.partly_published


def test_the_post_page_says_so_and_offers_a_retry(client, published, scripted_channel, approver):
    delivery = _fail_scripted(published, scripted_channel)
    log_in(client, approver)
    page = client.get(f"/desk/{published.office.slug}/beitraege/{published.pk}/")
    assert page.context["post"].partly_published
    assert f"/zustellungen/{delivery.pk}/erneut/".encode() in page.content
    assert b"Der Beitrag wurde abgelehnt." in page.content
