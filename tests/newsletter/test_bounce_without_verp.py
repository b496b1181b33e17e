"""A report that does not come back to a per-recipient bounce address (a server that
ignores the envelope sender, or a bounce of the confirmation mail) is matched by its
``Final-Recipient`` among this office's own subscribers, and only among them."""

from django.core import mail

from rathaus.lib import spam
from rathaus.newsletter.models import Send, Subscriber

# RFC 3464, Appendix A, "Multi-Recipient DSN", sent to the plain bounce address: two
# recipients failed for good, one is only delayed.
RFC3464_MULTI_RECIPIENT = """\
Date: Fri, 8 Jul 1994 09:21:47 -0400
From: Mail Delivery Subsystem <MAILER-DAEMON@CS.UTK.EDU>
Subject: Returned mail: User unknown
To: <newsletter@mitte.example>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
    boundary="JAA13167.773673707/CS.UTK.EDU"

--JAA13167.773673707/CS.UTK.EDU
content-type: text/plain; charset=us-ascii

   ----- The following addresses had delivery problems -----
<arathib@vnet.ibm.com>  (unrecoverable error)
<wsnell@sdcc13.ucsd.edu>  (unrecoverable error)

--JAA13167.773673707/CS.UTK.EDU
content-type: message/delivery-status

Reporting-MTA: dns; cs.utk.edu

Original-Recipient: rfc822;arathib@vnet.ibm.com
Final-Recipient: rfc822;arathib@vnet.ibm.com
Action: failed
Status: 5.0.0 (permanent failure)
Diagnostic-Code: smtp; 550 'arathib@vnet.IBM.COM' is not a
    registered gateway user
Remote-MTA: dns; vnet.ibm.com

Original-Recipient: rfc822;johnh@hpnjld.njd.hp.com
Final-Recipient: rfc822;johnh@hpnjld.njd.hp.com
Action: delayed
Status: 4.0.0 (hpnjld.njd.jp.com: host name lookup failure)

Original-Recipient: rfc822;wsnell@sdcc13.ucsd.edu
Final-Recipient: rfc822;wsnell@sdcc13.ucsd.edu
Action: failed
Status: 5.0.0
Diagnostic-Code: smtp; 550 user unknown
Remote-MTA: dns; sdcc13.ucsd.edu

--JAA13167.773673707/CS.UTK.EDU
content-type: message/rfc822

[original message goes here]
--JAA13167.773673707/CS.UTK.EDU--
"""


def _confirmed(office, email):
    return Subscriber.objects.create(office=office, email=email, status=Subscriber.Status.CONFIRMED)


def _push(client, newsletter):
    return client.post(
        f"/newsletter/bounces/{newsletter.bounce_token}/",
        data=RFC3464_MULTI_RECIPIENT.encode(),
        content_type="message/rfc822",
    )


def test_every_failed_recipient_of_this_office_is_marked(client, office, newsletter, publish_post):
    for email in ("ArathiB@vnet.ibm.com", "wsnell@sdcc13.ucsd.edu", "johnh@hpnjld.njd.hp.com"):
        _confirmed(office, email)
    publish_post(title="Sperrmüll", body="Freitag.", category="service")
    assert _push(client, newsletter).json() == {"result": "hard bounce"}
    statuses = dict(Subscriber.objects.values_list("email", "status"))
    assert statuses == {
        "ArathiB@vnet.ibm.com": "bounced",
        "wsnell@sdcc13.ucsd.edu": "bounced",
        "johnh@hpnjld.njd.hp.com": "confirmed",
    }
    assert Send.objects.filter(bounce=Send.Bounce.HARD).count() == 2


def test_subscribers_of_another_office_are_not_touched(client, office, other_office, newsletter):
    theirs = _confirmed(other_office, "arathib@vnet.ibm.com")
    assert _push(client, newsletter).json() == {"result": "ignored"}
    theirs.refresh_from_db()
    assert theirs.status == Subscriber.Status.CONFIRMED


def test_a_bounced_confirmation_mail_deletes_the_waiting_address(
    client, office, newsletter, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/mitte/newsletter/",
            {
                "email": "wsnell@sdcc13.ucsd.edu",
                "categories": ["notice"],
                "nonce": spam.new_nonce(),
            },
        )
    confirmation = mail.outbox[0]
    assert confirmation.from_email == "newsletter@mitte.example"  # where the bounce goes
    _push(client, newsletter)
    assert not Subscriber.objects.exists()
