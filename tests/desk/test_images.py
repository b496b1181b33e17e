"""Image upload needs alt text, author and licence; images can be removed again."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from rathaus.posts.models import PostImage
from tests.helpers import log_in


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("schild.png", buffer.getvalue(), content_type="image/png")


def _upload(client, post, **fields):
    data = {"image-image": _png(), "image-author": "Pressestelle", "image-licence": "CC BY 4.0"}
    data |= {f"image-{k}": v for k, v in fields.items()}
    return client.post(reverse("desk:image_add", args=[post.office.slug, post.pk]), data)


def test_it_refuses_an_image_without_alt_text(client, editor, draft):
    log_in(client, editor)
    response = _upload(client, draft, alt_text="   ")
    html = response.content.decode()
    assert response.status_code == 400
    assert PostImage.objects.count() == 0
    assert 'id="id_image-alt_text_error"' in html
    assert 'value="Pressestelle"' in html  # the rest of the input is kept


def test_it_adds_an_image_with_alt_text_and_removes_it(client, editor, draft):
    log_in(client, editor)
    response = _upload(client, draft, alt_text="Verkehrsschild an der Lindenallee")
    image = PostImage.objects.get()
    assert response.status_code == 302
    assert (image.alt_text, image.author, image.licence) == (
        "Verkehrsschild an der Lindenallee",
        "Pressestelle",
        "CC BY 4.0",
    )
    detail = client.get(reverse("desk:post_detail", args=[draft.office.slug, draft.pk]))
    assert 'alt="Verkehrsschild an der Lindenallee"' in detail.content.decode()

    remove = reverse("desk:image_remove", args=[draft.office.slug, draft.pk, image.pk])
    client.post(remove)
    assert PostImage.objects.count() == 0


def test_an_agent_cannot_upload(client, agent, draft):
    log_in(client, agent)
    response = _upload(client, draft, alt_text="Beschreibung")
    assert response.status_code == 400
    assert PostImage.objects.count() == 0
