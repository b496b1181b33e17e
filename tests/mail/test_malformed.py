"""Mail as it arrives from the wild: broken MIME, unknown charsets, missing headers, HTML
with scripts, huge bodies, plain garbage. Each is stored with what could be read and a
note about the rest; nothing crashes, nothing is lost, HTML is never kept raw."""

from email.message import EmailMessage
from email.policy import SMTP

import pytest

from rathaus.inbox.models import Conversation, Message
from rathaus.mail import parsing
from rathaus.mail.receiving import ingest

pytestmark = pytest.mark.usefixtures("english_messages")


def stored(mailbox, raw: bytes) -> Message:
    message = ingest(mailbox, raw)
    message.refresh_from_db()  # what the database kept, not what was handed in
    return message


def test_a_multipart_whose_boundary_never_comes_keeps_its_text(mailbox):
    raw = (
        b"From: anna@example.org\r\nSubject: Kaputt\r\nMessage-ID: <b1@example.org>\r\n"
        b'Content-Type: multipart/mixed; boundary="nirgends"\r\n\r\n'
        b"Der Gehweg ist abgesackt.\r\n"
    )
    message = stored(mailbox, raw)
    assert "Der Gehweg ist abgesackt." in message.text_html
    assert "structure was damaged" in message.text_html
    assert message.conversation.subject == "Kaputt"


def test_a_part_with_broken_base64_is_read_as_far_as_possible(mailbox):
    raw = (
        b"From: anna@example.org\r\nMessage-ID: <b2@example.org>\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        b"SGFsbG8gV2VsdA=!!==\r\n"
    )
    message = stored(mailbox, raw)
    assert "Hallo" in message.text_html


def test_an_unknown_charset_is_read_as_utf8_with_replacements(mailbox):
    raw = (
        b"From: anna@example.org\r\nMessage-ID: <c1@example.org>\r\nSubject: Gr\xc3\xbc\xc3\x9fe\r\n"
        b"Content-Type: text/plain; charset=x-unknown\r\n\r\n"
        b"Gr\xc3\xbc\xc3\x9fe aus der M\xfchlenstra\xdfe\r\n"
    )
    message = stored(mailbox, raw)
    assert "Grüße aus der M\ufffdhlenstra\ufffde" in message.text_html
    assert "Unknown character set “x-unknown”" in message.text_html
    assert message.conversation.subject == "Grüße"


def test_an_encoded_word_in_an_unknown_charset_does_not_break_the_headers(mailbox):
    raw = (
        b"From: =?x-unknown?q?Bj=F6rn?= <bjoern@example.org>\r\n"
        b"Subject: =?x-unknown?q?Gr=FC=DFe?=\r\nMessage-ID: <c2@example.org>\r\n\r\nText\r\n"
    )
    message = stored(mailbox, raw)
    assert message.conversation.citizen_email == "bjoern@example.org"
    assert message.author_name.endswith("rn")
    assert "\udcf6" not in message.author_name  # no undecodable leftovers reach the database


def test_a_mail_without_any_headers_is_stored(mailbox):
    message = stored(mailbox, b"\r\nNur ein Text ohne Kopf.\r\n")
    assert "Nur ein Text ohne Kopf." in message.text_html
    assert message.remote_id.endswith("@rathaus.invalid")
    assert message.conversation.citizen_email == ""
    assert message.conversation.subject == "Nur ein Text ohne Kopf."


def test_without_message_id_a_second_delivery_is_still_recognised(mailbox):
    raw = b"From: anna@example.org\r\nSubject: Ohne Id\r\n\r\nText\r\n"
    first, second = ingest(mailbox, raw), ingest(mailbox, raw)
    assert first == second
    assert Message.objects.count() == 1
    other = ingest(mailbox, raw.replace(b"Text", b"Anderer Text"))
    assert other != first


def test_html_only_mail_is_sanitised(mailbox):
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Message-ID"] = "<h1@example.org>"
    msg["Subject"] = "HTML"
    msg.set_content(
        "<html><head><title>Titel</title><style>p{color:red}</style></head><body>"
        '<p onclick="steal()">Sehr geehrte Damen und Herren,<script>alert(1)</script></p>'
        '<div>Zeile</div><div><a href="javascript:alert(2)">klick</a>'
        '<a href="https://example.org/plan">Plan</a><img src="https://tracker.example/p.gif">'
        "</div></body></html>",
        subtype="html",
    )
    message = stored(mailbox, msg.as_bytes(policy=SMTP))
    html = message.text_html
    assert "Sehr geehrte Damen und Herren," in html
    for raw in ("<script", "alert", "onclick", "javascript:", "<img", "tracker", "<style"):
        assert raw not in html
    assert "Titel" not in html
    assert '<a href="https://example.org/plan"' in html
    assert "Zeile<br>" in html  # blocks keep their line breaks


def test_plain_text_is_preferred_over_html(mailbox):
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Message-ID"] = "<alt@example.org>"
    msg.set_content("Nur Text <b>nicht fett</b>")
    msg.add_alternative("<p>Die <b>HTML</b>-Fassung</p>", subtype="html")
    html = stored(mailbox, msg.as_bytes(policy=SMTP)).text_html
    assert "Nur Text &lt;b&gt;nicht fett&lt;/b&gt;" in html
    assert "HTML" not in html


def test_a_huge_body_is_cut_with_a_note(mailbox):
    msg = EmailMessage()
    msg["From"] = "anna@example.org"
    msg["Message-ID"] = "<big@example.org>"
    msg.set_content("Anfang " + "sehr lang " * 20_000 + "ENDE")
    html = stored(mailbox, msg.as_bytes(policy=SMTP)).text_html
    assert "Anfang" in html
    assert "ENDE" not in html
    assert "Text shortened" in html
    assert len(html) < parsing.MAX_TEXT_CHARS + 1000


def test_nul_characters_and_raw_eight_bit_headers_are_stored(mailbox):
    raw = (
        "From: Jürgen Müller <juergen@example.org>\r\nSubject: Straße gesperrt\r\n"
        "Message-ID: <n1@example.org>\r\n\r\nText\x00mit Null\r\n"
    ).encode()
    message = stored(mailbox, raw)
    assert message.author_name == "Jürgen Müller"
    assert message.conversation.subject == "Straße gesperrt"
    assert "Textmit Null" in message.text_html


def test_garbage_is_stored_too(mailbox):
    raw = b"\x00\xff\xfe\x80 <<<>>> : : \r\n\r\n\xc3(\r\n--\r\n"
    message = stored(mailbox, raw)
    assert message.pk is not None
    assert Conversation.objects.count() == 1


def test_an_invalid_sender_address_gives_no_citizen_email(mailbox):
    raw = b"From: kein at adresse\r\nMessage-ID: <i1@example.org>\r\n\r\nText\r\n"
    message = stored(mailbox, raw)
    assert message.conversation.citizen_email == ""


def test_reply_to_is_the_address_answers_go_to(mailbox):
    raw = (
        b"From: Anna <anna@firma.example>\r\nReply-To: anna.privat@example.org\r\n"
        b"Message-ID: <rt@example.org>\r\n\r\nText\r\n"
    )
    assert stored(mailbox, raw).conversation.citizen_email == "anna.privat@example.org"


def test_an_overlong_message_id_still_deduplicates(mailbox):
    long_id = "<" + "x" * 900 + "@example.org>"
    raw = f"From: anna@example.org\r\nMessage-ID: {long_id}\r\n\r\nText\r\n".encode()
    first = ingest(mailbox, raw)
    assert len(first.remote_id) <= 500
    assert ingest(mailbox, raw) == first


def test_a_message_id_reused_by_someone_else_is_stored_separately(mailbox):
    """Senders choose Message-IDs: a second mail under a held id from another address is
    another mail, not a duplicate to drop."""
    first = ingest(mailbox, b"From: anna@example.org\r\nMessage-ID: <same@x>\r\n\r\nEins\r\n")
    second = ingest(mailbox, b"From: evil@example.net\r\nMessage-ID: <same@x>\r\n\r\nZwei\r\n")
    assert second != first
    assert "Zwei" in second.text_html
    assert Message.objects.count() == 2
