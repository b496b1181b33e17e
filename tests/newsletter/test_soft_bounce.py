"""A soft bounce (``Action: failed`` with a 4.x.x status, e.g. a server that could not be
reached for days) is counted; three in a row, on three consecutive mailings, count as a
hard bounce. A mailing that did not bounce breaks the row. ``Action: delayed`` is only a
warning and counts nothing."""

import pytest

from rathaus.newsletter import addresses
from rathaus.newsletter.models import Mailing, Send, Subscriber

# RFC 3464, Appendix A, "Simple DSN": given up after five days of timeouts (4.0.0).
RFC3464_SIMPLE = """\
Date: Thu, 7 Jul 1994 17:16:05 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Message-Id: <199407072116.RAA14128@CS.UTK.EDU>
Subject: Returned mail: Cannot send message for 5 days
To: <{verp}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
      boundary="RAA14128.773615765/CS.UTK.EDU"

--RAA14128.773615765/CS.UTK.EDU

The original message was received at Sat, 2 Jul 1994 17:10:28 -0400
from root@localhost

   ----- The following addresses had delivery problems -----
<{address}>  (unrecoverable error)

   ----- Transcript of session follows -----
<{address}>... Deferred: Connection timed out
      with larry.slip.umd.edu.
Message could not be delivered for 5 days
Message will be deleted from queue

--RAA14128.773615765/CS.UTK.EDU
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Original-Recipient: rfc822;{address}
Final-Recipient: rfc822;{address}
Action: failed
Status: 4.0.0
Diagnostic-Code: smtp; 426 connection timed out
Last-Attempt-Date: Thu, 7 Jul 1994 17:15:49 -0400

--RAA14128.773615765/CS.UTK.EDU
content-type: message/rfc822

[original message goes here]
--RAA14128.773615765/CS.UTK.EDU--
"""

# RFC 3464, Appendix A, "Delayed DSN": still trying, nothing has failed yet.
RFC3464_DELAYED = """\
Date: Sun, 10 Jul 1994 06:01:55 +0100
From: Mail Delivery Subsystem <MAILER-DAEMON@sun2.nsfnet-relay.ac.uk>
Subject: Warning: could not send message for past 4 hours
To: <{verp}>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="warning.773815315@sun2.nsfnet-relay.ac.uk"

--warning.773815315@sun2.nsfnet-relay.ac.uk

    **********************************************
    **      THIS IS A WARNING MESSAGE ONLY      **
    **  YOU DO NOT NEED TO RESEND YOUR MESSAGE  **
    **********************************************

The original message was received at Sat, 9 Jul 1994 23:47:36 +0100
----- The following addresses had delivery problems -----
<{address}>  (transient failure)

--warning.773815315@sun2.nsfnet-relay.ac.uk
content-type: message/delivery-status

Reporting-MTA: dns; sun2.nsfnet-relay.ac.uk

Final-Recipient: rfc822;{address}
Status: 4.0.0 (unknown temporary failure)
Action: delayed

--warning.773815315@sun2.nsfnet-relay.ac.uk--
"""


@pytest.fixture
def anna(office, newsletter):
    return Subscriber.objects.create(
        office=office, email="anna@example.org", status=Subscriber.Status.CONFIRMED
    )


def _mailings(publish_post, count):
    for number in range(count):
        publish_post(title=f"Meldung {number}", body="Text.", category="service")
    return list(Mailing.objects.order_by("pk"))


def _push(client, newsletter, report, mailing):
    send = mailing.sends.get()
    raw = report.format(verp=addresses.verp(newsletter, send.pk), address="anna@example.org")
    response = client.post(
        f"/newsletter/bounces/{newsletter.bounce_token}/",
        data=raw.encode(),
        content_type="message/rfc822",
    )
    assert response.status_code == 202
    return response.json()["result"]


def _status(anna):
    anna.refresh_from_db()
    return anna.status


def test_three_soft_bounces_in_a_row_count_as_hard(client, newsletter, anna, publish_post):
    first, second, third = _mailings(publish_post, 3)
    assert _push(client, newsletter, RFC3464_SIMPLE, first) == "soft bounce"
    assert _push(client, newsletter, RFC3464_SIMPLE, second) == "soft bounce"
    assert _status(anna) == Subscriber.Status.CONFIRMED
    _push(client, newsletter, RFC3464_SIMPLE, third)
    assert _status(anna) == Subscriber.Status.BOUNCED
    assert Send.objects.filter(bounce=Send.Bounce.SOFT).count() == 3


def test_a_mailing_without_a_bounce_breaks_the_row(client, newsletter, anna, publish_post):
    first, second, _arrived, fourth = _mailings(publish_post, 4)
    _push(client, newsletter, RFC3464_SIMPLE, first)
    _push(client, newsletter, RFC3464_SIMPLE, second)
    _push(client, newsletter, RFC3464_SIMPLE, fourth)
    assert _status(anna) == Subscriber.Status.CONFIRMED


def test_the_same_report_three_times_is_one_soft_bounce(client, newsletter, anna, publish_post):
    (first,) = _mailings(publish_post, 1)
    for _ in range(3):
        _push(client, newsletter, RFC3464_SIMPLE, first)
    assert _status(anna) == Subscriber.Status.CONFIRMED


def test_a_delay_warning_counts_nothing(client, newsletter, anna, publish_post):
    mailings = _mailings(publish_post, 3)
    for mailing in mailings:
        assert _push(client, newsletter, RFC3464_DELAYED, mailing) == "ignored"
    assert _status(anna) == Subscriber.Status.CONFIRMED
    assert not Send.objects.exclude(bounce="").exists()
