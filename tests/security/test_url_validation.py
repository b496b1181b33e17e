"""Links that came from outside (Fediverse objects, platform APIs, mail) are kept only when
they are http(s) — where they enter the inbox and where a channel's answer records one —
and the desk never renders any other scheme as a link, whatever the database holds
(issue 10, item 2: stored XSS through a Note's ``url``)."""

import time
from email.message import EmailMessage
from email.policy import SMTP
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from rathaus.delivery import channels, sending
from rathaus.delivery.models import Delivery
from rathaus.inbox import inbound, work
from rathaus.inbox.models import Message
from rathaus.lib import richtext
from rathaus.mail.models import Mailbox
from rathaus.mail.receiving import ingest
from tests.fakes.graph import FakeGraph
from tests.fakes.mastodon import FakeMastodon
from tests.fakes.server import serving
from tests.helpers import CITIZEN, fetch_account, log_in

HOSTILE_URLS = [
    "javascript:alert(document.domain)//",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "https://",
]
ACTOR = "http://rathaus.example/ap/presse"


class _Links(HTMLParser):
    """Every address a page links to or loads, as the browser reads it (entities decoded)."""

    def __init__(self) -> None:
        super().__init__()
        self.addresses: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in {"href", "src", "action", "formaction", "srcdoc", "xlink:href"}:
                self.addresses.append(value or "")


def _unsafe_links(html: str) -> list[str]:
    """Links with a scheme other than http(s); relative links are our own pages."""
    found = _Links()
    found.feed(html)
    unsafe = []
    for address in found.addresses:
        # Browsers drop tabs, newlines and leading spaces before they read the scheme.
        squeezed = "".join(c for c in address if ord(c) > 0x20).lower()
        scheme, colon, _rest = squeezed.partition(":")
        is_relative = not colon or any(c in scheme for c in "/?#")
        if not is_relative and scheme not in {"http", "https"}:
            unsafe.append(address)
    return unsafe


def _conversation_page(client, user, conversation) -> str:
    log_in(client, user)
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_link_check_itself_finds_a_hostile_link():
    # The tests below rely on _unsafe_links; it must see what a browser would run.
    page = '<a href="java&#x09;script:alert(1)">x</a><a href="/desk/">y</a><a href="#z">z</a>'
    assert _unsafe_links(page) == ["java\tscript:alert(1)"]


# ----- the Fediverse: a signed Create(Note) through the real inbox --------------------------


def _create(number: int, url) -> dict:
    note = {
        "id": f"{CITIZEN}/statuses/{number}",
        "type": "Note",
        "attributedTo": CITIZEN,
        "content": '<p>Frage <a href="javascript:alert(1)">klick</a></p>',
        "url": url,
        "to": ["https://www.w3.org/ns/activitystreams#Public"],
        "cc": [ACTOR],
    }
    return {"id": f"{note['id']}/activity", "type": "Create", "actor": CITIZEN, "object": note}


@pytest.mark.usefixtures("federation_over_http")
@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_fediverse_note_with_a_hostile_url_is_kept_without_it(
    url, deliver, citizen, account, client, agent
):
    assert deliver("/ap/inbox", _create(1, url)).status_code == 202
    message = Message.objects.get()
    assert "Frage" in message.text_html  # the message is kept ...
    assert message.url == ""  # ... its link is not
    assert "javascript" not in message.text_html.lower()
    html = _conversation_page(client, agent, message.conversation)
    assert _unsafe_links(html) == []
    assert "javascript:" not in html.lower()


@pytest.mark.usefixtures("federation_over_http")
def test_a_fediverse_note_with_a_web_url_keeps_it(deliver, citizen, account, client, agent):
    deliver("/ap/inbox", _create(1, "https://social.example/@anna/1"))
    message = Message.objects.get()
    assert message.url == "https://social.example/@anna/1"
    html = _conversation_page(client, agent, message.conversation)
    assert 'href="https://social.example/@anna/1"' in html


@pytest.mark.usefixtures("federation_over_http")
def test_a_note_url_given_as_a_link_object_is_checked_too(deliver, citizen, account):
    create = _create(1, {"type": "Link", "id": "javascript:alert(1)", "href": "javascript:x"})
    assert deliver("/ap/inbox", create).status_code == 202
    assert Message.objects.get().url == ""


# ----- the one door itself, for every channel --------------------------------------------


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_inbox_door_drops_hostile_links_of_every_kind(office, url):
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel="contact",
            remote_id="q:1",
            text_html="<p>Hallo</p>",
            url=url,
            author_url=url,
        )
    )
    message.refresh_from_db()
    assert (message.url, message.author_url) == ("", "")
    assert message.text_html == "<p>Hallo</p>"


def test_the_batch_door_drops_them_the_same_way(office):
    from rathaus.inbox.ingest import receive_many

    [(message, new)] = receive_many(
        [
            inbound.InboundMessage(
                office=office,
                channel="contact",
                remote_id="q:1",
                text_html="<p>Hallo</p>",
                url="javascript:alert(1)",
                author_url="data:text/html,x",
            )
        ]
    )
    message.refresh_from_db()
    assert new and (message.url, message.author_url) == ("", "")


def test_an_overlong_link_is_dropped_rather_than_cut(office):
    long = "https://social.example/" + "a" * 600
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office, channel="contact", remote_id="q:1", text_html="x", url=long
        )
    )
    message.refresh_from_db()
    assert message.url == ""


# ----- platform connectors: Mastodon and Facebook through their fakes ------------------------

mastodon_fake = serving(FakeMastodon)
graph = serving(FakeGraph)


@pytest.mark.parametrize("url", ["javascript:alert(document.domain)//", "data:text/html,x"])
def test_a_mastodon_status_with_a_hostile_url_is_kept_without_it(
    url, connect_account, mastodon_fake, client, agent
):
    fake = mastodon_fake
    account = connect_account("mastodon", api_base=fake.url, **fake.connection_values())
    fake.mention("Wann wird die Lindenallee geöffnet?")
    # What a hostile or broken server could answer: the API hands these fields over as is.
    notification = fake.notifications[-1]
    notification["status"]["url"] = url
    notification["status"]["uri"] = url
    notification["account"]["url"] = url

    assert fetch_account(account) == 1
    message = Message.objects.get()
    assert "Lindenallee" in message.text_html
    assert (message.url, message.author_url) == ("", "")
    assert _unsafe_links(_conversation_page(client, agent, message.conversation)) == []


def test_a_facebook_comment_with_a_hostile_permalink_is_kept_without_it(
    graph, connect_account, publish_post, monkeypatch, client, agent
):
    page = connect_account("facebook", api_base=graph.url, **graph.connection_values())
    publish_post(title="Baumfällung", body="Am Montag werden zwei Linden gefällt.")
    post_id = Delivery.objects.get(channel=page.channel_key).remote_id
    graph.comment(post_id, "Wann genau?", at=time.time() - 60)
    view = FakeGraph._view

    def hostile(self, item):
        found = view(self, item)
        if "permalink_url" in found and "message" in found:
            found["permalink_url"] = "javascript:alert(document.domain)//"
        return found

    monkeypatch.setattr(FakeGraph, "_view", hostile)

    assert fetch_account(page) == 1
    message = Message.objects.get()
    assert "Wann genau?" in message.text_html
    assert message.url == ""
    assert _unsafe_links(_conversation_page(client, agent, message.conversation)) == []


# ----- mail: the HTML of a mail keeps no link or load that runs ------------------------------


def test_html_mail_keeps_no_hostile_link_style_or_frame(office, client, agent):
    mailbox = Mailbox.objects.create(office=office, address="buergeranfragen@mitte.example")
    mail = EmailMessage(policy=SMTP)
    mail["From"] = "anna@example.org"
    mail["To"] = mailbox.address
    mail["Subject"] = "Rad & Fuß"
    mail["Message-ID"] = "<m1@example.org>"
    mail.set_content(
        "<p>Hallo</p>"
        '<a href="javascript:alert(1)">a</a>'
        '<a href="JaVaScRiPt:alert(2)">b</a>'
        '<a href="java&#x09;script:alert(3)">c</a>'
        '<a href="&#106;avascript:alert(4)">d</a>'
        '<a href="data:text/html,x">e</a>'
        '<a href="vbscript:msgbox(1)">f</a>'
        '<img src="https://tracker.example/p.gif">'
        '<iframe srcdoc="&lt;script&gt;alert(5)&lt;/script&gt;"></iframe>'
        '<p style="background:url(https://tracker.example/x)">g</p>'
        '<a href="https://ok.example/">gut</a>',
        subtype="html",
    )
    message = ingest(mailbox, mail.as_bytes())
    message.refresh_from_db()
    stored = message.text_html.lower()
    for word in ("javascript", "vbscript", "data:", "srcdoc", "style", "<img", "<iframe"):
        assert word not in stored, word
    assert 'href="https://ok.example/"' in message.text_html
    html = _conversation_page(client, agent, message.conversation)
    assert _unsafe_links(html) == []
    assert "tracker.example" not in html


# ----- what a channel answers: Sent.url ------------------------------------------------------


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_a_sent_answer_keeps_no_hostile_url(url):
    assert channels.Sent(remote_id="1", url=url).url == ""
    assert channels.Sent(remote_id="1", url="https://x.example/1").url == "https://x.example/1"


class _HostileAnswers(channels.Channel):
    """A platform whose answer names a javascript: address for the post and the answer."""

    key = "hostile"
    name = "Hostile"
    can_reply = True
    answers = frozenset({"direct", "public"})

    def publish(self, delivery):
        return channels.Sent(remote_id="p1", url="javascript:alert(document.domain)//")

    def reply(self, delivery):
        sent = channels.Sent(remote_id="r1", url="javascript:alert(document.domain)//")
        Message.objects.filter(pk=delivery.message_id).update(url=sent.url)
        return sent


@pytest.fixture
def hostile_channel():
    channel = channels.register(_HostileAnswers())
    yield channel
    channels.unregister(channel.key)


def test_an_answer_recorded_from_a_channel_keeps_no_hostile_url(
    office, agent, hostile_channel, client, django_capture_on_commit_callbacks
):
    question, _new = inbound.receive(
        inbound.InboundMessage(
            office=office, channel="hostile", remote_id="q:1", text_html="<p>Frage</p>"
        )
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer = work.reply(question.conversation, "Antwort", public=False, by=agent)
    delivery = Delivery.objects.get(message=answer)
    assert delivery.status == Delivery.Status.PUBLISHED
    assert delivery.remote_url == ""
    answer.refresh_from_db()
    assert answer.url == ""
    assert _unsafe_links(_conversation_page(client, agent, question.conversation)) == []


def test_a_manual_confirmation_takes_only_a_web_link(office, approver, published):
    delivery = Delivery.objects.create(
        subject=published, channel="xing", status=Delivery.Status.MANUAL, idempotency_key="x:1"
    )
    from rathaus.offices.access import LifecycleError

    with pytest.raises(LifecycleError):
        sending.confirm_manual(delivery, by=approver, url="javascript:alert(1)")
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.MANUAL and delivery.remote_url == ""


# ----- rendering: whatever the database holds ------------------------------------------------


@pytest.mark.parametrize("url", HOSTILE_URLS)
def test_the_desk_renders_no_hostile_link_already_stored(office, agent, client, url):
    message, _new = inbound.receive(
        inbound.InboundMessage(office=office, channel="contact", remote_id="q:1", text_html="x")
    )
    # Stored before the door checked links (or written by other code): the page still
    # must not make a link of it.
    Message.objects.filter(pk=message.pk).update(url=url)
    html = _conversation_page(client, agent, message.conversation)
    assert _unsafe_links(html) == []
    assert "View where it was written" not in html and "Im Original ansehen" not in html


def test_the_post_page_renders_no_hostile_delivery_link(office, approver, published, client):
    Delivery.objects.filter(post=published).update(remote_url="javascript:alert(1)")
    assert Delivery.objects.filter(post=published).exists()
    log_in(client, approver)
    response = client.get(reverse("desk:post_detail", args=[office.slug, published.pk]))
    assert response.status_code == 200
    assert _unsafe_links(response.content.decode()) == []


def test_the_link_filter_keeps_web_links_and_drops_the_rest():
    from django.template import Context, Template

    template = Template("{% load weblinks %}[{{ value|web_url }}]")
    assert template.render(Context({"value": "https://a.example/?x=1&y=2"})) == (
        "[https://a.example/?x=1&amp;y=2]"
    )
    for url in HOSTILE_URLS:
        assert template.render(Context({"value": url})) == "[]"
    assert template.render(Context({"value": None})) == "[]"


# ----- Markdown of posts and answers: nh3's scheme allow-list ---------------------------------

MARKDOWN_LINKS = [
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](&#x6A;avascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    "<javascript:alert(1)>",
    "[x]: javascript:alert(1)\n\n[x]",
]


@pytest.mark.parametrize("source", MARKDOWN_LINKS)
def test_markdown_links_with_a_hostile_scheme_are_not_links(source):
    html = richtext.render(source)
    assert _unsafe_links(html) == [], html
