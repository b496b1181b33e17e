"""What X refuses for good (4xx other than 401 and 429) fails the delivery at once, with
X's own words in last_error: duplicate content, invalid parameters, missing permission."""

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


def test_an_invalid_request_fails_with_xs_error_message(connected_account, fake, publish_post):
    fake.fail_next(
        400,
        body={
            "errors": [{"parameters": {"text": ["…"]}, "message": "text is not valid UTF-8"}],
            "title": "Invalid Request",
            "detail": "One or more parameters to your request was invalid.",
            "type": "https://api.twitter.com/2/problems/invalid-request",
        },
        path=r"^/2/tweets$",
    )

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert delivery.last_error == "X: 400 text is not valid UTF-8"
    assert delivery.attempts == 1


def test_a_missing_permission_fails_and_does_not_ask_to_reconnect(
    connected_account, fake, publish_post
):
    fake.fail_next(
        403,
        body={
            "title": "Forbidden",
            "detail": "You are not permitted to perform this action.",
            "type": "about:blank",
            "status": 403,
        },
        path=r"^/2/tweets$",
    )

    publish_post(title="Sprechstunde", body="Die Sprechstunde fällt heute aus.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    connected_account.refresh_from_db()
    assert delivery.status == "failed"
    assert "You are not permitted to perform this action." in delivery.last_error
    assert connected_account.status == "active"
