"""Keyboard shortcuts are documented on the queue and conversation pages, load from our own
host, and sit on normal links, buttons and fields (so Tab reaches all of them too)."""

import pytest
from django.urls import reverse

from rathaus.inbox import inbound


@pytest.fixture
def conversations(office):
    found = []
    for n in range(3):
        message, _new = inbound.receive(
            inbound.InboundMessage(
                office=office, channel="contact", remote_id=f"q:{n}", text_html=f"<p>Frage {n}</p>"
            )
        )
        found.append(message.conversation)
    return found


def test_the_queue_documents_its_shortcuts(english_agent_client, office, conversations):
    html = english_agent_client.get(reverse("desk:inbox", args=[office.slug])).content.decode()
    assert '<details class="shortcuts" id="shortcuts">' in html
    assert "<summary>Keyboard shortcuts</summary>" in html
    assert "do nothing while you type in a field" in html
    assert '<script src="/static/rathaus/inbox-keys.js" defer></script>' in html
    assert html.count("data-row") == 3  # j/k move between these links
    assert 'data-key="/"' in html


def test_the_conversation_page_documents_and_wires_its_shortcuts(
    english_agent_client, office, conversations
):
    middle = conversations[1]
    html = english_agent_client.get(
        reverse("desk:conversation", args=[office.slug, middle.pk])
    ).content.decode()
    assert "<summary>Keyboard shortcuts</summary>" in html
    for key, meaning in [
        ("j", "Next / previous conversation in the queue"),
        ("r", "Write an answer"),
        ("n", "Write an internal note"),
        ("a", "Assign to me"),
        ("e", "Close the conversation"),
        ("?", "Show this list"),
    ]:
        assert f"<kbd>{key}</kbd>" in html
        assert meaning in html
    # Each key acts on a visible, labelled control of the page.
    assert 'rel="next" data-key="j"' in html and 'rel="prev" data-key="k"' in html
    assert 'id="id_reply-text" rows="6" data-key="r"' in html
    assert 'id="id_note-text" rows="3" data-key="n"' in html
    assert '<button type="submit" data-key="a">' in html
    assert '<button type="submit" data-key="e">' in html
    assert 'for="id_reply-text"' in html and 'for="id_note-text"' in html


def test_the_script_never_acts_while_typing_and_stays_small(settings):
    script = (settings.BASE_DIR / "rathaus" / "static" / "rathaus" / "inbox-keys.js").read_text()
    assert '"INPUT"' in script and '"TEXTAREA"' in script and '"SELECT"' in script
    assert "isContentEditable" in script
    assert "event.ctrlKey || event.metaKey || event.altKey" in script
    assert "http" not in script  # nothing loaded from anywhere
    assert len(script) < 4000
