"""A 5xx or a lost connection is tried again later, by the delivery queue only:
python-telegram-bot sends every request once."""

import pytest

from rathaus.delivery.models import Delivery


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_is_retried_then_published(
    connected_account, telegram, publish_post, send_all, status
):
    telegram.refuse(status, "Internal Server Error", path=r"/sendMessage$")

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    delivery = Delivery.objects.get(channel=connected_account.channel_key)
    assert delivery.status == "queued" and delivery.attempts == 1
    assert len(telegram.calls("POST", r"/sendMessage$")) == 1  # the library did not retry
    assert send_all()[connected_account.channel_key] == "published"
    assert len(telegram.posts()) == 1
    assert len(telegram.calls("POST", r"/sendMessage$")) == 2


def test_an_answer_that_is_no_json_is_retried(connected_account, telegram, publish_post, send_all):
    telegram.fail_next(502, body="<html>Bad Gateway</html>", path=r"/sendMessage$")

    publish_post(title="Wahl", body="Die Wahllokale öffnen um 8 Uhr.")

    assert Delivery.objects.get(channel=connected_account.channel_key).status == "queued"
    assert send_all()[connected_account.channel_key] == "published"


def test_images_sent_before_a_refused_text_are_taken_back(
    connected_account,
    telegram,
    office,
    editor,
    approver,
    tiny_png,
    django_capture_on_commit_callbacks,
    send_all,
):
    from rathaus.posts import lifecycle

    post = lifecycle.create_draft(office, by=editor, title="Bänke", body="Bänke. " * 200)
    lifecycle.add_image(post, by=editor, file=tiny_png, alt_text="Bank", author="P", licence="CC0")
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    telegram.flood(5, path=r"/sendMessage$")  # the photo goes out, the text after it not
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)

    assert telegram.posts() == []  # the photo was deleted again
    assert send_all()[connected_account.channel_key] == "published"
    photo, text = telegram.posts()
    assert text["reply_to_message"]["message_id"] == photo["message_id"]
