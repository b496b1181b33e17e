"""The first image of a mail becomes the message's photo, re-encoded without EXIF (GPS,
camera) and turned the way it was taken; other attachments are named, not kept."""

import io
from email.message import EmailMessage
from email.policy import SMTP

import pytest
from PIL import Image

from rathaus.mail.receiving import ingest

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def photo_with_gps() -> bytes:
    """A 40×20 JPEG taken rotated (orientation 6) with camera and GPS position."""
    image = Image.new("RGB", (40, 20), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "Kamera GmbH"
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 18.0)})
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def mail_with(*attachments: tuple[bytes, str, str, str]) -> bytes:
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Subject"] = "Schlagloch"
    msg["Message-ID"] = "<foto@example.org>"
    msg.set_content("Siehe Foto.")
    for data, maintype, subtype, name in attachments:
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes(policy=SMTP)


def test_the_photo_is_kept_without_exif_and_turned_upright(mailbox):
    raw_photo = photo_with_gps()
    message = ingest(mailbox, mail_with((raw_photo, "image", "jpeg", "IMG_0001.jpg")))
    message.refresh_from_db()
    assert message.photo
    data = message.photo.read()
    assert b"Kamera GmbH" not in data
    with Image.open(io.BytesIO(data)) as kept:
        assert kept.format == "JPEG"
        assert kept.size == (20, 40)  # orientation applied to the pixels
        exif = kept.getexif()
        assert len(exif) == 0
        assert exif.get_ifd(0x8825) == {}
    assert "IMG_0001.jpg" not in message.text_html  # the photo is kept, not named as lost
    assert "not kept" not in message.text_html


def test_other_attachments_are_named_as_not_kept(mailbox, tiny_png):
    raw = mail_with(
        (photo_with_gps(), "image", "jpeg", "schlagloch.jpg"),
        (tiny_png.read(), "image", "png", "zweites.png"),
        (b"%PDF-1.4 ...", "application", "pdf", "plan.pdf"),
    )
    message = ingest(mailbox, raw)
    assert message.photo
    assert "2 attachments not kept: zweites.png, plan.pdf" in message.text_html


def test_an_image_that_cannot_be_read_is_not_kept_and_the_next_one_is(mailbox, tiny_png):
    raw = mail_with(
        (b"not really a jpeg", "image", "jpeg", "kaputt.jpg"),
        (tiny_png.read(), "image", "png", "linden.png"),
    )
    message = ingest(mailbox, raw)
    message.refresh_from_db()
    assert message.photo.name.endswith(".png")
    assert "1 attachment not kept: kaputt.jpg" in message.text_html


def test_a_decompression_bomb_is_not_decoded(mailbox):
    buffer = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(buffer, "PNG")  # 100 megapixels, a few kB
    message = ingest(mailbox, mail_with((buffer.getvalue(), "image", "png", "bombe.png")))
    assert not message.photo
    assert "1 attachment not kept: bombe.png" in message.text_html


def test_a_mail_that_is_only_a_photo_is_stored(mailbox):
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Message-ID"] = "<nurfoto@example.org>"
    msg.set_content(photo_with_gps(), maintype="image", subtype="jpeg")
    message = ingest(mailbox, msg.as_bytes(policy=SMTP))
    assert message.photo
    assert message.conversation.subject  # something to show in the queue


def test_a_photo_pasted_into_an_html_mail_is_kept(mailbox):
    """Outlook puts pasted pictures next to the HTML version only; the plain text version
    is preferred, the picture still counts."""
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Message-ID"] = "<outlook@example.org>"
    msg.set_content("Siehe Bild [cid:bild1]")
    msg.add_alternative('<p>Siehe Bild <img src="cid:bild1"></p>', subtype="html")
    msg.get_payload()[1].add_related(
        photo_with_gps(), maintype="image", subtype="jpeg", cid="<bild1>"
    )
    message = ingest(mailbox, msg.as_bytes(policy=SMTP))
    assert message.photo
    assert "Siehe Bild" in message.text_html
