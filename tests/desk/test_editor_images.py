"""An image can be added while a new post is written: saved with the draft, with its alt
text, author and licence; bad input is refused with form errors and keeps the text typed."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rathaus.audit.models import AuditEntry
from rathaus.posts.models import Post, PostImage
from tests.helpers import log_in, png

TYPED = {
    "title": "Neue Bänke im Stadtpark",
    "body": "Zwölf neue Bänke laden zum Verweilen ein.",
    "category": "press_release",
    "language": "de",
}
IMAGE = {
    "image-alt_text": "Eine Holzbank unter einer Linde",
    "image-author": "Pressestelle Mitte",
    "image-licence": "CC BY 4.0",
}


def _new(client, office, **image):
    return client.post(reverse("desk:post_new", args=[office.slug]), TYPED | image)


def test_the_new_post_form_offers_an_image_with_its_details(client, office, editor):
    log_in(client, editor)

    html = client.get(reverse("desk:post_new", args=[office.slug])).content.decode()

    assert 'enctype="multipart/form-data"' in html
    for name in ("image-image", "image-alt_text", "image-author", "image-licence"):
        assert f'name="{name}"' in html
    assert 'hx-params="not image-image"' in html  # the live preview never uploads it


def test_the_image_is_saved_with_the_draft(client, office, editor):
    log_in(client, editor)

    response = _new(client, office, **IMAGE, **{"image-image": png("bank.png")})
    post = Post.objects.get()
    image = PostImage.objects.get()

    assert response.status_code == 302
    assert image.post == post
    assert (image.alt_text, image.author, image.licence, image.original_name) == (
        "Eine Holzbank unter einer Linde",
        "Pressestelle Mitte",
        "CC BY 4.0",
        "bank.png",
    )
    actions = set(AuditEntry.objects.filter(subject_id=post.pk).values_list("action", flat=True))
    assert {"created", "image_added"} <= actions


def test_a_post_without_an_image_is_saved_as_before(client, office, editor):
    log_in(client, editor)

    assert _new(client, office).status_code == 302
    assert Post.objects.count() == 1 and not PostImage.objects.exists()


def test_an_image_without_alt_text_is_refused_and_the_text_kept(client, office, editor):
    log_in(client, editor, language="en")

    response = _new(client, office, **(IMAGE | {"image-alt_text": " "}), **{"image-image": png()})
    html = response.content.decode()

    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert 'id="id_image-alt_text_error"' in html
    assert 'value="Neue Bänke im Stadtpark"' in html
    assert "Zwölf neue Bänke laden zum Verweilen ein." in html
    assert 'value="Pressestelle Mitte"' in html
    assert "choose the image file again" in html  # a browser never fills in a file input


def test_a_file_that_is_no_image_is_refused(client, office, editor):
    log_in(client, editor)
    text = SimpleUploadedFile("bank.png", b"not an image at all", content_type="image/png")

    html = _new(client, office, **IMAGE, **{"image-image": text}).content.decode()

    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert 'id="id_image-image_error"' in html
    assert 'value="Neue Bänke im Stadtpark"' in html


def test_a_file_too_big_leaves_neither_draft_nor_image(client, office, editor, settings):
    settings.UPLOAD_MAX_MB = 0  # every file is too big: refused by the verb, after the form
    log_in(client, editor)

    html = _new(client, office, **IMAGE, **{"image-image": png()}).content.decode()

    assert not Post.objects.exists() and not PostImage.objects.exists()
    assert 'id="id_image-image_error"' in html
    assert "Zwölf neue Bänke laden zum Verweilen ein." in html


def test_details_without_a_file_ask_for_the_file(client, office, editor):
    log_in(client, editor)

    html = _new(client, office, **IMAGE).content.decode()

    assert not Post.objects.exists()
    assert 'id="id_image-image_error"' in html


def test_the_preview_counts_the_image_being_added(client, office, editor):
    log_in(client, editor)

    html = client.post(reverse("desk:preview", args=[office.slug]), TYPED | IMAGE).content.decode()

    assert "1 / 20" in html  # the newsroom takes 20


def test_another_office_cannot_write_into_this_one(client, office, outsider):
    log_in(client, outsider)

    response = _new(client, office, **IMAGE, **{"image-image": png()})

    assert response.status_code == 404
    assert not Post.objects.exists() and not PostImage.objects.exists()
