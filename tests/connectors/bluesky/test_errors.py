"""Server errors are tried again; a refusal of the post fails it with Bluesky's words."""

from rathaus.delivery.models import Delivery


def test_a_server_error_is_retried_then_published(fake, connected_account, publish_post, send_all):
    fake.fail_next(502, body={"error": "UpstreamFailure", "message": "Upstream Failure"})

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "queued"
    assert "Upstream Failure" in delivery.last_error
    assert send_all()[connected_account.channel_key] == "published"
    assert len(fake.posts()) == 1


def test_a_refused_post_fails_with_the_platforms_message(
    fake, connected_account, publish_post, send_all
):
    refusal = "Invalid app.bsky.feed.post record: Record/langs/0 must be a valid language code"
    fake.fail_next(400, body={"error": "InvalidRequest", "message": refusal}, path="createRecord")

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert delivery.last_error == f"Bluesky: InvalidRequest: {refusal}"
    assert delivery.attempts == 1
    assert not fake.posts()
    connected_account.refresh_from_db()
    assert connected_account.status == "active"


def test_an_answer_that_is_no_json_still_gives_the_status(fake, connected_account, publish_post):
    fake.fail_next(413, body="<html>Request Entity Too Large</html>", path="createRecord")

    post = publish_post(title="Sperrung", body="Die Brücke ist gesperrt.")

    delivery = Delivery.objects.get(post=post, channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert "413" in delivery.last_error
