"""The reply form's text template picker: the office's templates, filled for this
conversation, added below what was typed; nothing is sent by inserting; htmx gets the
reply form alone."""

import re

import pytest
from django.urls import reverse

from rathaus.answers.models import TextTemplate
from rathaus.delivery.models import Delivery
from rathaus.inbox.models import Message
from tests.helpers import ask, log_in


@pytest.fixture
def conversation(office):
    office.office_hours = "Mo–Fr 8–16 Uhr"
    office.save()
    return ask(
        office,
        "?",
        channel="fediverse",
        remote_id="https://social.example/statuses/1",
        author_name="Anna",
        is_public=True,
    ).conversation


@pytest.fixture
def templates(office, other_office):
    return (
        TextTemplate.objects.create(
            office=office,
            title="Sprechzeiten",
            body="Guten Tag {name}, wir sind {office_hours} erreichbar. Az. {reference}",
        ),
        TextTemplate.objects.create(office=other_office, title="Geheim aus Nord", body="Nord"),
    )


def _answer(html: str) -> str:
    return re.search(r'<textarea name="reply-text"[^>]*>(.*?)</textarea>', html, re.S)[1]


def _insert(client, conversation, data, **headers):
    url = reverse("desk:conversation_reply", args=[conversation.office.slug, conversation.pk])
    return client.post(url, {"insert": "1", **data}, headers=headers)


def test_the_picker_offers_only_this_offices_templates(client, agent, conversation, templates):
    log_in(client, agent)
    url = reverse("desk:conversation", args=[conversation.office.slug, conversation.pk])
    html = client.get(url).content.decode()
    assert f'<option value="{templates[0].pk}">Sprechzeiten</option>' in html
    assert "Geheim aus Nord" not in html
    assert 'for="id_reply-template"' in html


def test_inserting_fills_the_template_below_the_typed_text_and_sends_nothing(
    client, agent, conversation, templates
):
    log_in(client, agent)
    data = {
        "reply-text": "Danke für Ihre Frage.",
        "reply-template": templates[0].pk,
        "reply-visibility": "direct",
    }
    response = _insert(client, conversation, data)
    html = response.content.decode()
    assert response.status_code == 200
    expected = (
        "Danke für Ihre Frage.\n\nGuten Tag Anna, wir sind Mo–Fr 8–16 Uhr erreichbar. "
        f"Az. {conversation.reference}"
    )
    assert _answer(html) == expected
    # The visibility chosen before inserting stays chosen.
    assert 'value="direct" id="id_reply-visibility_1" required checked>' in html
    assert not Message.objects.filter(direction=Message.Direction.OUTBOUND).exists()
    assert not Delivery.objects.exists()


def test_htmx_gets_the_reply_form_alone(client, agent, conversation, templates):
    log_in(client, agent)
    data = {"reply-text": "", "reply-template": templates[0].pk}
    response = _insert(client, conversation, data, **{"HX-Request": "true"})
    html = response.content.decode()
    assert html.startswith('<section id="reply"')
    assert "<html" not in html
    assert _answer(html).startswith("Guten Tag Anna,")


def test_a_template_of_another_office_is_not_inserted(client, agent, conversation, templates):
    log_in(client, agent)
    data = {"reply-text": "Mein Text", "reply-template": templates[1].pk}
    response = _insert(client, conversation, data)
    assert _answer(response.content.decode()) == "Mein Text"
