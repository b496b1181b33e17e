"""What X refuses for good (4xx other than 401 and 429) fails the delivery at once, with
X's own words in last_error: duplicate content here, invalid parameters and missing permission in the contract."""

from rathaus.delivery import sending
from rathaus.delivery.models import Delivery
from tests.fakes.x import DUPLICATE


def test_duplicate_content_fails_with_xs_message(connected_account, fake, publish_post):
    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")
    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    # As if Rathaus had lost what it knew of the first attempt: X still has the post.
    Delivery.objects.filter(pk=delivery.pk).update(status="queued", remote_parts=[], attempts=0)

    assert sending.send(delivery.pk) == "failed"

    delivery.refresh_from_db()
    assert delivery.last_error.startswith(f"X: 403 {DUPLICATE}")
    assert len(fake.posts_of("1")) == 1
