"""Bad input gets a clear error next to the field, the citizen's text is kept, and nothing
is stored."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from rathaus.inbox import photos
from rathaus.inbox.models import Conversation, Message
from rathaus.lib import spam


@pytest.fixture
def send(client, office):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"

    def post(**fields):
        data = {"message": "Bitte prüfen Sie die Ampel.", "nonce": spam.new_nonce()}
        return client.post("/mitte/kontakt/", data | fields)

    return post


def _nothing_stored():
    assert Conversation.objects.count() == 0
    assert Message.objects.count() == 0


def _image(kind: str, size=(4, 4)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 10, 10)).save(buffer, format=kind)
    return buffer.getvalue()


def test_an_empty_message_is_refused(send):
    response = send(message="   \n  ")
    assert response.status_code == 400
    assert "Please write your message." in response.text
    assert 'aria-invalid="true"' in response.text
    assert 'id="id_message_error"' in response.text
    _nothing_stored()


def test_an_oversized_message_is_refused_and_kept(send):
    text = "Lang. " * 900  # 5,400 characters
    response = send(message=text)
    assert response.status_code == 400
    assert "at most 5000 fit" in response.text
    assert "Lang. Lang. Lang." in response.text
    _nothing_stored()


def test_a_wrong_email_address_is_refused(send):
    response = send(email="anna(at)example.org")
    assert response.status_code == 400
    assert "Please enter a valid email address, or leave it empty." in response.text
    _nothing_stored()


def test_an_oversized_photo_is_refused(send, monkeypatch):
    monkeypatch.setattr(photos, "MAX_BYTES", 1000)
    big = _image("PNG", size=(200, 200)) + b"\0" * 2000
    response = send(photo=SimpleUploadedFile("big.png", big, content_type="image/png"))
    assert response.status_code == 400
    assert "The photo is larger than 5 MB." in response.text
    assert "please choose it again" in response.text
    assert "Bitte prüfen Sie die Ampel." in response.text
    _nothing_stored()


def test_a_photo_of_five_and_a_half_megabytes_is_refused(send):
    data = _image("PNG") + b"\0" * (5 * 1024 * 1024 + 512 * 1024)
    response = send(photo=SimpleUploadedFile("big.png", data, content_type="image/png"))
    assert response.status_code == 400
    assert "The photo is larger than 5 MB." in response.text
    _nothing_stored()


def test_another_image_format_is_refused(send):
    gif = SimpleUploadedFile("anim.gif", _image("GIF"), content_type="image/gif")
    response = send(photo=gif)
    assert response.status_code == 400
    assert "Please send a JPEG, PNG or WebP photo." in response.text
    _nothing_stored()


def test_a_photo_that_is_no_image_is_refused(send):
    fake = SimpleUploadedFile("foto.jpg", b"%PDF-1.7 not a photo", content_type="image/jpeg")
    response = send(photo=fake)
    assert response.status_code == 400
    assert "This file is not a photo we can read." in response.text
    _nothing_stored()


def test_a_truncated_jpeg_is_refused(send):
    broken = _image("JPEG", size=(64, 64))[:200]
    response = send(photo=SimpleUploadedFile("kaputt.jpg", broken, content_type="image/jpeg"))
    assert response.status_code == 400
    assert "This file is not a photo we can read." in response.text
    _nothing_stored()


def test_a_forged_nonce_is_refused_with_a_fresh_form(send):
    response = send(nonce="00000000000000000000000000000000:1abc:forged")
    assert response.status_code == 400
    assert "This form is too old. Please send your message again." in response.text
    assert "Bitte prüfen Sie die Ampel." in response.text
    assert "forged" not in response.text
    _nothing_stored()


def test_html_in_a_message_is_shown_as_text(send, client):
    response = send(
        message='<script>alert("x")</script><b>fett</b> <a href="https://evil.example">hier</a>'
    )
    assert response.status_code == 200
    message = Message.objects.get()
    assert "<script" not in message.text_html
    assert "<b>" not in message.text_html
    assert "&lt;script&gt;" in message.text_html
    assert "&lt;b&gt;fett&lt;/b&gt;" in message.text_html
    link = response.text.split('class="follow-link" href="', 1)[1]
    page = client.get(link.split('"', 1)[0]).text
    assert "&lt;script&gt;alert" in page
    assert '<a href="https://evil.example"' not in page


def test_a_body_far_too_large_is_not_even_read(client, office, monkeypatch):
    from rathaus.contact import views

    monkeypatch.setattr(views, "MAX_REQUEST_BYTES", 10_000)
    photo = SimpleUploadedFile("big.png", b"\0" * 20_000, content_type="image/png")
    response = client.post(
        "/mitte/kontakt/",
        {"message": "Zu groß", "nonce": spam.new_nonce(), "photo": photo},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 413
    assert "This message is too large to be received." in response.text
    _nothing_stored()
