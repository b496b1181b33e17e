"""Every image of a public post is also served as JPEG (Instagram fetches images by address
and takes JPEG only): transparency on white, no metadata, no cookie, nothing of drafts."""

import io

from django.urls import reverse
from PIL import Image

from rathaus.posts import lifecycle


def _url(post, image):
    return reverse("newsroom:image-jpeg", args=[post.office.slug, post.pk, image.key])


def _post_with_image(office, editor, approver, capture, *, publish=True):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    Image.new("RGBA", (40, 20), (0, 90, 60, 0)).save(buffer, format="PNG")
    post = lifecycle.create_draft(office, by=editor, title="Baum", body="Linde.")
    image = lifecycle.add_image(
        post,
        by=editor,
        file=SimpleUploadedFile("linde.png", buffer.getvalue(), content_type="image/png"),
        alt_text="Linde",
        author="Amt",
        licence="CC0",
    )
    if publish:
        lifecycle.submit(post, by=editor)
        lifecycle.approve(post, by=approver)
        with capture(execute=True):  # the newsroom's delivery renders the JPEG
            lifecycle.publish(post, by=approver)
    return post, image


def test_a_png_is_served_as_jpeg_with_transparency_on_white(
    client, office, editor, approver, django_capture_on_commit_callbacks
):
    post, image = _post_with_image(office, editor, approver, django_capture_on_commit_callbacks)
    response = client.get(_url(post, image))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert not response.cookies
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as picture:
        assert (picture.format, picture.size) == ("JPEG", (40, 20))
        assert all(channel > 240 for channel in picture.getpixel((5, 5)))


def test_a_draft_or_another_offices_address_gets_404(
    client, office, other_office, editor, approver, django_capture_on_commit_callbacks
):
    post, image = _post_with_image(
        office, editor, approver, django_capture_on_commit_callbacks, publish=False
    )
    assert client.get(_url(post, image)).status_code == 404
    wrong_office = reverse("newsroom:image-jpeg", args=[other_office.slug, post.pk, image.key])
    assert client.get(wrong_office).status_code == 404
