"""A correction edits the channel's messages (their text or caption); withdrawing deletes
them. Telegram's refusal to delete fails the delivery with its words."""

from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.delivery.models import Delivery
from rathaus.posts import lifecycle
from tests.fakes.telegram import FIRST_CHANNEL


def correct(post, approver, capture, **fields):
    with capture(execute=True):
        return lifecycle.correct(post, by=approver, note="Uhrzeit korrigiert", **fields)


def withdraw(post, approver, capture):
    with capture(execute=True):
        return lifecycle.withdraw(post, by=approver, reason="Veranstaltung abgesagt")


def test_a_correction_edits_the_message(
    connected_account, telegram, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Markt", body="Der Markt öffnet um 8 Uhr.")

    correct(post, approver, django_capture_on_commit_callbacks, body="Der Markt öffnet um 9 Uhr.")

    [message] = telegram.posts()
    assert "9 Uhr" in message["text"] and "edit_date" in message
    [call] = telegram.calls("POST", r"/editMessageText$")
    assert call.form()["message_id"] == [str(message["message_id"])]
    assert (
        Delivery.objects.get(action="update", channel=connected_account.channel_key).status
        == "published"
    )


def test_a_correction_of_a_photo_post_edits_its_caption(
    connected_account, telegram, photo_post, approver, django_capture_on_commit_callbacks
):
    post = photo_post("Neue Bänke.")
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)

    correct(post, approver, django_capture_on_commit_callbacks, body="Neue Bänke im Park.")

    [photo] = telegram.posts()
    assert photo["caption"].startswith("Bänke\n\nNeue Bänke im Park.")
    assert telegram.calls("POST", r"/editMessageCaption$")
    assert not telegram.calls("POST", r"/editMessageText$")


def test_an_edit_telegram_has_already_is_done(
    connected_account,
    telegram,
    publish_post,
    approver,
    django_capture_on_commit_callbacks,
    send_all,
):
    post = publish_post(title="Markt", body="Der Markt öffnet um 8 Uhr.")
    telegram.drop_after_handling_next()  # edited, but the answer is lost

    correct(post, approver, django_capture_on_commit_callbacks, body="Der Markt öffnet um 9 Uhr.")
    assert (
        Delivery.objects.get(action="update", channel=connected_account.channel_key).status
        == "queued"
    )

    # The retry hears "message is not modified": the edit is there.
    assert send_all()[connected_account.channel_key] == "published"
    assert (
        Delivery.objects.get(action="update", channel=connected_account.channel_key).status
        == "published"
    )


def test_withdrawing_deletes_every_message_of_the_post(
    connected_account,
    telegram,
    office,
    editor,
    approver,
    tiny_png,
    django_capture_on_commit_callbacks,
):
    post = lifecycle.create_draft(office, by=editor, title="Fest", body="Fest. " * 300)
    data = tiny_png.read()
    for number in range(2):
        image = SimpleUploadedFile(f"fest-{number}.png", data, content_type="image/png")
        lifecycle.add_image(post, by=editor, file=image, alt_text="Fest", author="P", licence="CC0")
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)
    assert len(telegram.posts()) == 3  # album of two, then the text

    withdraw(post, approver, django_capture_on_commit_callbacks)

    assert telegram.posts() == []
    assert len(telegram.calls("POST", r"/deleteMessage$")) == 3
    assert (
        Delivery.objects.get(action="withdraw", channel=connected_account.channel_key).status
        == "published"
    )


def test_a_message_deleted_by_hand_counts_as_deleted(
    connected_account, telegram, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Markt", body="Der Markt öffnet um 8 Uhr.")
    telegram.messages[FIRST_CHANNEL].clear()

    withdraw(post, approver, django_capture_on_commit_callbacks)

    assert (
        Delivery.objects.get(action="withdraw", channel=connected_account.channel_key).status
        == "published"
    )


def test_a_refused_deletion_fails_with_telegrams_words(
    connected_account, telegram, publish_post, approver, django_capture_on_commit_callbacks
):
    post = publish_post(title="Markt", body="Der Markt öffnet um 8 Uhr.")
    [message] = telegram.posts()
    telegram.set_rights(can_delete_messages=False)
    telegram.age(FIRST_CHANNEL, message["message_id"], hours=49)

    withdraw(post, approver, django_capture_on_commit_callbacks)

    delivery = Delivery.objects.get(action="withdraw", channel=connected_account.channel_key)
    assert delivery.status == "failed"
    assert delivery.last_error.startswith("Telegram: Message can't be deleted")
    assert len(telegram.posts()) == 1
