"""What LinkedIn refuses for good fails at once, with LinkedIn's own words on the desk."""

from rathaus.delivery.models import Delivery

# As LinkedIn answers a post whose text repeats one of the page's recent posts.
DUPLICATE = {
    "errorDetailType": "com.linkedin.common.error.BadRequest",
    "message": "Content is a duplicate of urn:li:share:7100000000000000001",
    "errorDetails": {
        "inputErrors": [
            {"description": "Duplicate post is detected", "input": {}, "code": "DUPLICATE_POST"}
        ]
    },
    "status": 422,
}


def test_a_duplicate_post_fails_with_linkedins_message(fake, connected_account, publish_post):
    fake.fail_next(422, body=DUPLICATE, path=r"^/rest/posts$")
    post = publish_post(title="Sperrmüll", body="Sperrmüll wird am Montag abgeholt.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == Delivery.Status.FAILED
    assert "Content is a duplicate of urn:li:share:7100000000000000001" in delivery.last_error
    assert "DUPLICATE_POST" in delivery.last_error
    assert delivery.attempts == 1
    assert fake.live_posts() == []


def test_missing_permission_fails_with_linkedins_message(fake, connected_account, publish_post):
    fake.fail_next(
        403,
        body={
            "status": 403,
            "serviceErrorCode": 100,
            "code": "ACCESS_DENIED",
            "message": "Not enough permissions to access: partnerApiPostsExternal.CREATE.20240901",
        },
        path=r"^/rest/posts$",
    )
    post = publish_post(title="Kita", body="Die Kita öffnet später.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == Delivery.Status.FAILED
    assert "Not enough permissions to access" in delivery.last_error
    assert fake.live_posts() == []
