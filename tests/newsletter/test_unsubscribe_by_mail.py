"""Mail that reaches the bounce address and is no bounce: a mail with the subject
"unsubscribe" to the recipient's own bounce address (the mailto in List-Unsubscribe) and a
spam complaint (RFC 5965 feedback report) end the subscription; an out-of-office reply to
the envelope sender changes nothing."""

from rathaus.newsletter import addresses
from rathaus.newsletter.models import Send, Subscriber

UNSUBSCRIBE = """\
From: Anna <anna@example.org>
To: {verp}
Subject: unsubscribe
Date: Tue, 14 Jan 2025 10:02:11 +0100
Message-ID: <abc@example.org>

"""

OUT_OF_OFFICE = """\
From: Anna <anna@example.org>
To: {verp}
Subject: Abwesenheitsnotiz: Sperrmüll
Auto-Submitted: auto-replied
Date: Tue, 14 Jan 2025 10:02:11 +0100

Ich bin bis 5.2. nicht im Büro (Status 5.1.1 erreicht mich nicht).
"""

# RFC 5965, Appendix B.1, as a mailbox provider's complaint loop sends it to a fixed
# address: the original envelope sender (our bounce address) names the send.
RFC5965_COMPLAINT = """\
From: <abusedesk@example.com>
Date: Thu, 8 Mar 2005 17:40:36 EDT
Subject: FW: Sperrmüll
To: <fbl@mitte.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
     boundary="part1_13d.2e68ed54_boundary"

--part1_13d.2e68ed54_boundary
Content-Type: text/plain; charset="US-ASCII"
Content-Transfer-Encoding: 7bit

This is an email abuse report for an email message received from IP
192.0.2.1 on Thu, 8 Mar 2005 14:00:00 EDT.

--part1_13d.2e68ed54_boundary
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: SomeGenerator/1.0
Version: 1
Original-Mail-From: <{verp}>
Original-Rcpt-To: <{address}>
Arrival-Date: Thu, 8 Mar 2005 14:00:00 EDT
Reporting-MTA: dns; mail.example.com
Source-IP: 192.0.2.1

--part1_13d.2e68ed54_boundary
Content-Type: message/rfc822
Content-Disposition: inline

From: <presse@mitte.example>
To: <{address}>
Subject: Sperrmüll
MIME-Version: 1.0
Content-type: text/plain

Freitag.
--part1_13d.2e68ed54_boundary--
"""


def _push(client, newsletter, text, verp="", address="anna@example.org"):
    response = client.post(
        f"/newsletter/bounces/{newsletter.bounce_token}/",
        data=text.format(verp=verp, address=address).encode(),
        content_type="message/rfc822",
    )
    assert response.status_code == 202
    return response.json()["result"]


def test_a_mail_to_the_mailto_address_unsubscribes(client, newsletter, send):
    assert _push(client, newsletter, UNSUBSCRIBE, addresses.verp(newsletter, send.pk)) == (
        "unsubscribed"
    )
    assert not Subscriber.objects.exists()


def test_a_spam_complaint_unsubscribes(client, newsletter, send):
    verp = addresses.verp(newsletter, send.pk)
    assert _push(client, newsletter, RFC5965_COMPLAINT, verp) == "unsubscribed"
    assert not Subscriber.objects.exists()


def test_a_complaint_without_our_bounce_address_is_matched_by_its_recipient(
    client, newsletter, send
):
    assert _push(client, newsletter, RFC5965_COMPLAINT, "someone@else.example") == "unsubscribed"
    assert not Subscriber.objects.exists()


def test_an_out_of_office_reply_changes_nothing(client, newsletter, send):
    assert _push(client, newsletter, OUT_OF_OFFICE, addresses.verp(newsletter, send.pk)) == (
        "ignored"
    )
    assert Subscriber.objects.get().status == Subscriber.Status.CONFIRMED
    assert not Send.objects.exclude(bounce="").exists()
