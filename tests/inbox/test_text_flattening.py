"""HTML from outside becomes text once and only once: a subject keeps "Rad & Fuß" as the
citizen wrote it (not "Rad &amp; Fuß" on the desk), and text from separate paragraphs,
lines, list items and blocks keeps a space or a line break between them (issue 10, item 20)."""

import pytest
from django.urls import reverse

from rathaus.inbox import inbound
from rathaus.inbox.models import Conversation
from rathaus.lib import richtext
from tests.helpers import CITIZEN, log_in


@pytest.mark.usefixtures("federation_over_http")
def test_a_fediverse_subject_is_unescaped_once_and_paragraphs_keep_a_space(
    deliver, citizen, account, client, agent
):
    note = {
        "id": f"{CITIZEN}/statuses/1",
        "type": "Note",
        "attributedTo": CITIZEN,
        "content": "<p>Rad &amp; Fuß</p><p>Weg gesperrt</p>",
        "to": ["http://rathaus.example/ap/presse"],
    }
    create = {"id": f"{note['id']}/activity", "type": "Create", "actor": CITIZEN, "object": note}
    assert deliver("/ap/inbox", create).status_code == 202
    conversation = Conversation.objects.get()
    assert conversation.subject == "Rad & Fuß Weg gesperrt"

    log_in(client, agent)
    html = client.get(reverse("desk:conversation", args=[account.office.slug, conversation.pk]))
    page = html.content.decode()
    assert "<h1>Rad &amp; Fuß Weg gesperrt</h1>" in page
    assert "&amp;amp;" not in page
    listing = client.get(reverse("desk:inbox", args=[account.office.slug])).content.decode()
    assert "Rad &amp; Fuß Weg gesperrt" in listing and "&amp;amp;" not in listing


@pytest.mark.parametrize(
    ("source", "subject"),
    [
        ("<p>eins<br>zwei</p><p>drei</p>", "eins zwei drei"),
        ("<ul><li>eins</li><li>zwei</li></ul><blockquote>drei</blockquote>", "eins zwei drei"),
        ("<div>eins</div><div>zwei</div><h1>drei</h1><pre>vier</pre>", "eins zwei drei vier"),
        ("<p>a &lt; b &gt; c &quot;d&quot;</p>", 'a < b > c "d"'),
        ("<p><script>alert(1)</script>Hallo</p>", "Hallo"),
    ],
)
def test_a_subject_keeps_words_apart_and_entities_decoded(office, source, subject):
    message, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel="contact", remote_id="q:1", text_html=source)
    )
    assert message.conversation.subject == subject


def test_plain_text_keeps_paragraphs_and_lines_apart():
    text = inbound.plain_text(
        inbound.sanitise("<div>eins</div><div>zwei</div><p>drei &amp; vier</p>")
    )
    assert text.split() == ["eins", "zwei", "drei", "&", "vier"]


def test_a_long_subject_is_cut_after_decoding():
    # Cut by the characters a person sees, not by the entities' length.
    text = inbound.subject_of("<p>" + "&amp;" * 100 + "</p>")
    assert text == "&" * (inbound.SUBJECT_CHARS - 1) + "…"


def test_a_posts_plain_text_is_unescaped_once():
    # Feeds' summaries and the iCal description are text: "Rad &amp; Fuß" there is shown
    # as such by calendar apps, and escaped again in an Article's summary.
    assert richtext.plain_text("Rad & Fuß: **1 < 2**") == "Rad & Fuß: 1 < 2"
