"""The bounce push address: an office's mail server posts every message that reaches the
bounce address to ``/newsletter/bounces/<token>/``. An unknown token is 404; anything else
is accepted (202), so the mail server does not try again, but only a genuine bounce
address of this office's own mailings changes anything."""

from urllib.parse import quote

import pytest

from rathaus.newsletter import addresses
from rathaus.newsletter.models import NewsletterSettings, Subscriber

REPORT = """\
From: MAILER-DAEMON@mx.example.org (Mail Delivery System)
To: {to}
Subject: Undelivered Mail Returned to Sender
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Your message could not be delivered.

--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.org

Final-Recipient: rfc822; gone@elsewhere.example
Action: failed
Status: 5.1.1

--b--
"""


@pytest.fixture
def newsletter(office):
    return NewsletterSettings.objects.create(
        office=office, enabled=True, bounce_address="Newsletter@Mitte.example"
    )


def _push(client, token, to, query=""):
    return client.post(
        f"/newsletter/bounces/{token}/{query}",
        data=REPORT.format(to=to).encode(),
        content_type="message/rfc822",
    )


def _anna():
    return Subscriber.objects.get(email="anna@example.org")


def test_an_unknown_token_is_not_found(client, newsletter, send):
    response = _push(client, "wrong-token", addresses.verp(newsletter, send.pk))
    assert response.status_code == 404
    assert _anna().status == Subscriber.Status.CONFIRMED


def test_only_post_is_taken_and_an_empty_body_is_refused(client, newsletter):
    path = f"/newsletter/bounces/{newsletter.bounce_token}/"
    assert client.get(path).status_code == 405
    assert client.post(path, data=b"  ", content_type="message/rfc822").status_code == 400


def test_the_bounce_address_names_the_subscriber_whatever_the_report_says(client, newsletter, send):
    # The report names another address (forwarding): the bounce address decides.
    verp = addresses.verp(newsletter, send.pk)
    assert _push(client, newsletter.bounce_token, verp.upper()).json() == {"result": "hard bounce"}
    assert _anna().status == Subscriber.Status.BOUNCED


@pytest.mark.parametrize("encoded", [True, False])
def test_the_envelope_recipient_can_come_as_a_parameter(client, newsletter, send, encoded):
    # Postfix: pipe ... argv=curl --data-binary @- https://…/?to=${recipient}, unencoded.
    verp = addresses.verp(newsletter, send.pk)
    query = f"?to={quote(verp) if encoded else verp}"
    response = _push(client, newsletter.bounce_token, "newsletter@mitte.example", query)
    assert response.json() == {"result": "hard bounce"}
    assert _anna().status == Subscriber.Status.BOUNCED


def test_a_forged_bounce_address_changes_nothing(client, newsletter, send):
    forged = f"newsletter+{send.pk}-000000000000@mitte.example"
    response = _push(client, newsletter.bounce_token, forged)
    assert response.status_code == 202
    assert response.json() == {"result": "ignored"}
    assert _anna().status == Subscriber.Status.CONFIRMED


def test_another_offices_token_cannot_bounce_this_offices_subscribers(
    client, other_office, newsletter, send
):
    # The other office uses the same bounce address, so even a genuine signature fails.
    theirs = NewsletterSettings.objects.create(
        office=other_office, enabled=True, bounce_address="newsletter@mitte.example"
    )
    response = _push(client, theirs.bounce_token, addresses.verp(newsletter, send.pk))
    assert response.json() == {"result": "ignored"}
    assert _anna().status == Subscriber.Status.CONFIRMED


@pytest.mark.parametrize(
    "raw",
    [
        b"\x00\xff\xfe not a mail at all",
        b"Content-Type: multipart/report; report-type=delivery-status; boundary=x\n\n--x\n",
        b"To: =?utf-8?q?broken\nFrom: <<<>>>@@\nSubject: \xff\xfe\n\nbody",
        b"Content-Type: message/delivery-status\n\nAction: failed\nStatus: 5.1.1\n",
    ],
)
def test_unreadable_mail_is_taken_and_changes_nothing(client, newsletter, send, raw):
    response = client.post(
        f"/newsletter/bounces/{newsletter.bounce_token}/", data=raw, content_type="message/rfc822"
    )
    assert response.status_code == 202
    assert response.json() == {"result": "ignored"}
    assert _anna().status == Subscriber.Status.CONFIRMED
