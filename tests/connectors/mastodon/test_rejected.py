"""A status Mastodon refuses (422, 400) fails for good, with Mastodon's own reason in the
delivery's last error; it is not retried (a 400: the contract)."""

from rathaus.delivery.models import Delivery


def test_a_status_the_server_refuses_fails_with_mastodons_reason(
    connected_account, fake, publish_post
):
    fake.max_characters = 40  # the admin lowered the limit since the account was connected

    publish_post(title="Baum", body="Zwei Linden werden am Montag gefällt.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert delivery.attempts == 1
    assert delivery.last_error == "Mastodon: Validation failed: Text character limit of 40 exceeded"
    assert len(fake.calls("POST", r"^/api/v1/statuses$")) == 1
