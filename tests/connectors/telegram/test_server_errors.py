"""A 5xx or a lost connection is tried again later, by the delivery queue only:
python-telegram-bot sends every request once (500, 502, 503: the contract)."""

from rathaus.delivery.models import Delivery


def test_an_answer_that_is_no_json_is_retried(connected_account, telegram, publish_post, send_all):
    telegram.fail_next(502, body="<html>Bad Gateway</html>", path=r"/sendMessage$")

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    assert Delivery.objects.get(channel=connected_account.channel_key).status == "queued"
    assert send_all()[connected_account.channel_key] == "published"


def test_images_sent_before_a_refused_text_are_taken_back(
    connected_account, telegram, photo_post, approver, django_capture_on_commit_callbacks, send_all
):
    from rathaus.posts import lifecycle

    post = photo_post("Bänke. " * 200)
    telegram.flood(5, path=r"/sendMessage$")  # the photo goes out, the text after it not
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)

    assert telegram.posts() == []  # the photo was deleted again
    assert send_all()[connected_account.channel_key] == "published"
    photo, text = telegram.posts()
    assert text["reply_to_message"]["message_id"] == photo["message_id"]
