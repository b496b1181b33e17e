"""One conversation on the desk: the messages in order, internal notes marked as internal,
photos with a text alternative, moderation states, the post it answers, and nothing of
another office."""

import pytest
from django.conf import settings
from django.urls import reverse

from rathaus.inbox import inbound, work
from tests.helpers import log_in


def _ask(office, remote_id, text, **fields):
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office, channel="contact", remote_id=remote_id, text_html=text, **fields
        )
    )
    return message


@pytest.fixture
def question(office):
    return _ask(office, "q:1", "<p>Wann wird die Linde gefällt?</p>", author_name="Anna")


def _page(client, user, conversation):
    log_in(client, user)
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_messages_come_in_order_and_notes_are_marked_internal(client, agent, question):
    conversation = question.conversation
    note = work.add_note(conversation, "Nur für uns: Termin ist Montag", by=agent)
    _ask(
        conversation.office,
        "q:2",
        "<p>Noch eine Frage</p>",
        in_reply_to=question.remote_id,
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = _page(client, agent, conversation)
    assert html.index("Wann wird die Linde") < html.index("Nur für uns") < html.index("Noch eine")
    item = html[html.index(f'id="message-{note.pk}"') - 200 :][:1200]
    assert "msg-note" in item
    assert 'class="label-internal"' in item
    assert '<span class="label-internal">Internal</span> Internal note by' in item


def test_the_page_shows_photos_with_a_text_alternative(client, agent, question, tiny_png):
    question.photo.save("linde.png", tiny_png)
    html = _page(client, agent, question.conversation)
    # Uploads are private: the photo comes through the desk's view for members.
    conversation = question.conversation
    url = reverse(
        "desk:conversation_photo", args=[conversation.office.slug, conversation.pk, question.pk]
    )
    assert f'src="{url}"' in html
    assert client.get(url).status_code == 200
    tag = html[html.index(f'src="{url}"') :].split(">", 1)[0]
    assert 'alt="' in tag and 'alt=""' not in tag
    assert "Anna" in tag


def test_hidden_comments_show_their_state_and_reason(client, agent, office):
    comment = _ask(office, "q:3", "<p>Beleidigung</p>", is_public=True)
    work.moderate(comment, "hide", reason="Keine Beleidigungen (Regel 2)", by=agent)
    html = _page(client, agent, comment.conversation)
    assert "Keine Beleidigungen (Regel 2)" in html
    assert "msg-hidden" in html


def test_the_post_it_answers_is_linked(client, agent, office, published):
    message = _ask(office, "q:4", "<p>Zur Meldung</p>", post=published)
    html = _page(client, agent, message.conversation)
    assert reverse("desk:post_detail", args=[office.slug, published.pk]) in html
    assert published.title in html


def test_another_offices_conversation_is_not_found_under_my_office(
    client, agent, office, other_office
):
    theirs = _ask(other_office, "q:5", "<p>Geheimnis aus Nord</p>", author_name="Nora")
    log_in(client, agent)
    url = reverse("desk:conversation", args=[office.slug, theirs.conversation_id])
    assert client.get(url).status_code == 404


def test_my_page_shows_nothing_of_another_office(client, agent, office, other_office, question):
    theirs = _ask(other_office, "q:6", "<p>Geheimnis aus Nord</p>", author_name="Nora N.")
    work.add_note(question.conversation, "@nora.nord schau mal", by=agent)
    html = _page(client, agent, question.conversation)
    assert "Geheimnis aus Nord" not in html
    assert "Nora N." not in html
    assert theirs.conversation.reference not in html


def test_an_editor_reads_and_may_write_notes_but_gets_no_reply_or_work_forms(
    client, office, editor, question
):
    # Issue 12: only where the office opened the inbox to editors (else 403, see
    # test_inbox_access).
    office.inbox_open_to_editors = True
    office.save()
    html = _page(client, editor, question.conversation)
    assert "Wann wird die Linde" in html
    assert reverse("desk:conversation_note", args=["mitte", question.conversation_id]) in html
    assert reverse("desk:conversation_reply", args=["mitte", question.conversation_id]) not in html
    assert reverse("desk:conversation_assign", args=["mitte", question.conversation_id]) not in html


def test_citizens_markup_is_never_rendered_raw(client, agent, office):
    message = _ask(office, "q:7", '<p onclick="x()">Hallo<script>alert(1)</script></p>')
    html = _page(client, agent, message.conversation)
    assert "<script>alert(1)" not in html
    assert "onclick" not in html
