"""A hard bounce (a delivery status notification, RFC 3464, with ``Action: failed`` and a
5.x.x status) marks the subscriber undeliverable at once: no further mailing goes to the
address, and the desk counts the bounce. The reports below are the examples of RFC 3464's
appendix, a Postfix report and a plain-text qmail bounce, addressed to the recipient's bounce address (VERP)."""

import pytest
from django.core import mail
from django.utils import translation

from rathaus.delivery import channels
from rathaus.delivery.models import Delivery
from rathaus.newsletter import addresses
from rathaus.newsletter.models import Send, Subscriber

# RFC 3464, Appendix A, "Multi-Recipient DSN": one recipient failed for good, one delayed.
RFC3464_MULTI_RECIPIENT = """\
Date: Fri, 8 Jul 1994 09:21:47 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Subject: Returned mail: User unknown
To: <{verp}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="JAA13167.773673707/CS.UTK.EDU"

--JAA13167.773673707/CS.UTK.EDU
content-type: text/plain; charset=us-ascii

   ----- The following addresses had delivery problems -----
<{address}>  (unrecoverable error)

--JAA13167.773673707/CS.UTK.EDU
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Original-Recipient: rfc822;{address}
Final-Recipient: rfc822;{address}
Action: failed
Status: 5.0.0 (permanent failure)
Diagnostic-Code: smtp; 550 '{address}' is not a
    registered gateway user
Remote-MTA: dns; vnet.ibm.com

Original-Recipient: rfc822;johnh@hpnjld.njd.hp.com
Final-Recipient: rfc822;johnh@hpnjld.njd.hp.com
Action: delayed
Status: 4.0.0 (hpnjld.njd.jp.com: host name lookup failure)

--JAA13167.773673707/CS.UTK.EDU
content-type: message/rfc822

[original message goes here]
--JAA13167.773673707/CS.UTK.EDU--
"""

# What Postfix sends today for an unknown mailbox, with only the returned headers.
POSTFIX_USER_UNKNOWN = """\
Return-Path: <>
Delivered-To: {verp}
Date: Tue, 14 Jan 2025 10:02:11 +0100 (CET)
From: MAILER-DAEMON@mail.mitte.example (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {verp}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
	boundary="4Yx1Hq0Y7Fz9sWm.1736845331/mail.mitte.example"
Message-Id: <20250114090211.4Yx1Hq0Y7Fz9sWm@mail.mitte.example>

This is a MIME-encapsulated message.

--4Yx1Hq0Y7Fz9sWm.1736845331/mail.mitte.example
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients.

<{address}>: host mx.example.org[192.0.2.25] said: 550 5.1.1
    <{address}>: Recipient address rejected: User unknown (in reply to
    RCPT TO command)

--4Yx1Hq0Y7Fz9sWm.1736845331/mail.mitte.example
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mail.mitte.example
X-Postfix-Queue-ID: 4Yx1Hq0Y7Fz9sWm
X-Postfix-Sender: rfc822; {verp}
Arrival-Date: Tue, 14 Jan 2025 10:02:10 +0100 (CET)

Final-Recipient: rfc822; {address}
Original-Recipient: rfc822;{address}
Action: failed
Status: 5.1.1
Remote-MTA: dns; mx.example.org
Diagnostic-Code: smtp; 550 5.1.1 <{address}>: Recipient address rejected: User
    unknown

--4Yx1Hq0Y7Fz9sWm.1736845331/mail.mitte.example
Content-Description: Undelivered Message Headers
Content-Type: text/rfc822-headers

Return-Path: <{verp}>
From: Pressestelle Mitte <presse@mitte.example>
To: {address}
Subject: Sperrmüll

--4Yx1Hq0Y7Fz9sWm.1736845331/mail.mitte.example--
"""

# Some servers (qmail) still bounce in plain text; the mailer daemon's status counts.
QMAIL_FAILURE_NOTICE = """\
From: MAILER-DAEMON@mx.example.org
To: {verp}
Subject: failure notice

Hi. This is the qmail-send program at mx.example.org.
I'm afraid I wasn't able to deliver your message to the following addresses.
This is a permanent error; I've given up. Sorry it didn't work out.

<{address}>:
192.0.2.25 does not like recipient.
Remote host said: 550 5.1.1 <{address}>... User unknown
Giving up on 192.0.2.25.
"""


@pytest.fixture
def sent(office, newsletter, publish_post):
    """A mailing went to anna and bert; returns anna's send row."""
    for email in ("anna@example.org", "bert@example.org"):
        Subscriber.objects.create(office=office, email=email, status=Subscriber.Status.CONFIRMED)
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    return Send.objects.get(subscriber__email="anna@example.org")


def _push(client, newsletter, report, send):
    raw = report.format(verp=addresses.verp(newsletter, send.pk), address=send.subscriber.email)
    return client.post(
        f"/newsletter/bounces/{newsletter.bounce_token}/",
        data=raw.encode(),
        content_type="message/rfc822",
    )


@pytest.mark.parametrize(
    "report", [RFC3464_MULTI_RECIPIENT, POSTFIX_USER_UNKNOWN, QMAIL_FAILURE_NOTICE]
)
def test_a_hard_bounce_marks_the_subscriber_undeliverable(client, newsletter, sent, report):
    response = _push(client, newsletter, report, sent)
    assert response.status_code == 202
    assert response.json() == {"result": "hard bounce"}
    anna = Subscriber.objects.get(email="anna@example.org")
    assert anna.status == Subscriber.Status.BOUNCED
    assert anna.bounced_at is not None
    sent.refresh_from_db()
    assert sent.bounce == Send.Bounce.HARD
    bert = Subscriber.objects.get(email="bert@example.org")
    assert bert.status == Subscriber.Status.CONFIRMED


def test_the_desk_counts_the_bounce_and_the_next_mailing_skips_the_address(
    client, newsletter, sent, publish_post
):
    _push(client, newsletter, POSTFIX_USER_UNKNOWN, sent)
    delivery = Delivery.objects.get(post=sent.mailing.post, channel="newsletter")
    with translation.override("en"):
        progress = channels.get("newsletter").progress(delivery)
    assert progress == "sent to 2 of 2 subscribers · 1 bounced"
    mail.outbox.clear()
    publish_post(title="Laubsammlung", body="Montag.", category="service")
    assert [m.to for m in mail.outbox] == [["bert@example.org"]]


def test_a_report_that_comes_twice_counts_once(client, newsletter, sent):
    _push(client, newsletter, POSTFIX_USER_UNKNOWN, sent)
    _push(client, newsletter, POSTFIX_USER_UNKNOWN, sent)
    assert Send.objects.filter(bounce=Send.Bounce.HARD).count() == 1
