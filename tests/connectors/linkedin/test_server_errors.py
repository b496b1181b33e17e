"""A 5xx from LinkedIn, or a connection that breaks, is temporary: the delivery is tried
again and published, once (a 5xx on posting: the contract)."""

from rathaus.delivery.models import Delivery


def test_a_failing_image_upload_is_retried_too(
    fake,
    connected_account,
    office,
    editor,
    approver,
    tiny_png,
    django_capture_on_commit_callbacks,
    send_all,
):
    from rathaus.posts import lifecycle

    post = lifecycle.create_draft(office, by=editor, title="Markt", body="Wochenmarkt am Platz.")
    lifecycle.add_image(
        post, by=editor, file=tiny_png, alt_text="Marktstände", author="Presse", licence="CC0"
    )
    lifecycle.submit(post, by=editor)
    lifecycle.approve(post, by=approver)
    fake.fail_next(
        500, body={"status": 500, "message": "Internal Server Error"}, path=r"^/dms-uploads/"
    )
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)

    assert (
        Delivery.objects.get(channel=connected_account.channel_key).status == Delivery.Status.QUEUED
    )
    assert send_all()[connected_account.channel_key] == Delivery.Status.PUBLISHED
    [created] = fake.live_posts()
    assert fake.images[created["content"]["media"]["id"]]["data"]
