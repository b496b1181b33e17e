"""Knowledge reuse on the conversation page: a sent answer of the office becomes a text
template or an FAQ suggestion, by agents and office admins of its office only, logged."""

import pytest
from django.contrib import messages
from django.urls import reverse

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.audit.models import AuditEntry
from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, Sent
from rathaus.inbox import inbound, work
from rathaus.inbox.models import ReplyReviewer
from rathaus.offices.models import Role
from tests.helpers import log_in, make_user


class ReuseChannel(Channel):
    key = "wiederverwendung"
    name = "Wiederverwendung"
    publishes_posts = False
    can_reply = True
    # Channels declare the kinds of answer they deliver (issue 10, item 22); this one both.
    answers = frozenset({"public", "direct"})

    def reply(self, delivery) -> Sent:
        return Sent(remote_id=f"w:{delivery.message_id}")


@pytest.fixture
def question(office):
    channel = channels.register(ReuseChannel())
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=channel.key,
            remote_id="w:q1",
            text_html="<p>Wann wird die Linde gefällt?</p>",
            author_name="Anna Anwohnerin",
            author_email="anna@mail.example",
        )
    )
    yield message
    channels.unregister(channel.key)


@pytest.fixture
def answer(question, agent):
    text = "Guten Tag Frau Anwohnerin,\nam Montag. Ihr Vorgang " + question.conversation.reference
    return work.reply(question.conversation, text, by=agent)


def _url(name, conversation):
    return reverse(f"desk:{name}", args=[conversation.office.slug, conversation.pk])


def _post(client, user, name, message, **data):
    log_in(client, user)
    return client.post(_url(name, message.conversation), {"message": message.pk, **data})


def _nothing_kept():
    return not (TextTemplate.objects.exists() or FaqEntry.objects.exists())


def test_the_page_offers_both_forms_for_a_sent_answer_only(client, agent, question, answer):
    log_in(client, agent)
    html = client.get(_url("conversation", question.conversation)).content.decode()
    for kind, name in [("template", "title"), ("faq", "question")]:
        assert f'<label for="reuse-{kind}-{answer.pk}">' in html
        assert f'name="{name}" id="reuse-{kind}-{answer.pk}"' in html
        assert f"reuse-{kind}-{question.pk}" not in html  # the citizen's message has none
    assert f'action="{_url("conversation_save_template", question.conversation)}"' in html
    assert f'action="{_url("conversation_save_faq", question.conversation)}"' in html


def test_an_agent_saves_an_answer_as_a_text_template(client, agent, office, answer):
    response = _post(client, agent, "conversation_save_template", answer, title="Linde fällen")
    conversation = answer.conversation
    assert response.status_code == 302
    assert response["Location"] == _url("conversation", conversation) + f"#message-{answer.pk}"
    template = TextTemplate.objects.get()
    assert (template.office, template.title, template.created_by) == (office, "Linde fällen", agent)
    assert template.body == "Guten Tag Frau {name},\nam Montag. Ihr Vorgang {reference}"
    entry = AuditEntry.objects.get(action="template_saved_from_answer")
    assert (entry.actor, entry.office_id, entry.after["message"]) == (agent, office.pk, answer.pk)
    [said] = messages.get_messages(response.wsgi_request)
    assert said.level == messages.SUCCESS
    assert not FaqEntry.objects.exists()


def test_an_office_admin_suggests_an_answer_for_the_faq(client, office_admin, office, answer):
    question = "Wann werden Linden gefällt?"
    response = _post(client, office_admin, "conversation_save_faq", answer, question=question)
    assert response.status_code == 302
    entry = FaqEntry.objects.get()
    assert (entry.office, entry.question, entry.created_from) == (office, question, answer)
    assert entry.published is False
    assert "Anwohnerin" not in entry.answer
    assert answer.conversation.reference not in entry.answer
    logged = AuditEntry.objects.get(action="faq_saved_from_answer")
    assert (logged.actor, logged.office_id) == (office_admin, office.pk)
    assert not TextTemplate.objects.exists()


@pytest.mark.parametrize("name", ["conversation_save_template", "conversation_save_faq"])
def test_the_citizens_message_is_refused(client, agent, question, answer, name):
    data = {"title": "Frage der Bürgerin", "question": "Frage der Bürgerin?"}
    response = _post(client, agent, name, question, **data)
    assert response.status_code == 400
    assert _nothing_kept()
    assert not AuditEntry.objects.filter(action__endswith="_from_answer").exists()
    # The citizen's message has no such form: the reason is said at the top of the page.
    assert [m.level for m in messages.get_messages(response.wsgi_request)] == [messages.ERROR]
    assert '<div class="messages">' in response.content.decode()


def test_an_internal_note_is_refused(client, agent, question):
    note = work.add_note(question.conversation, "Intern: Bauhof fragen.", by=agent)
    response = _post(client, agent, "conversation_save_template", note, title="Notiz")
    assert response.status_code == 400
    assert _nothing_kept()


def test_an_answer_waiting_for_approval_offers_nothing_and_is_refused(
    client, agent, office, question
):
    ReplyReviewer.objects.create(office=office, user=agent)
    waiting = work.reply(question.conversation, "Meine erste Antwort", by=agent)
    log_in(client, agent)
    html = client.get(_url("conversation", question.conversation)).content.decode()
    assert f"reuse-template-{waiting.pk}" not in html
    response = _post(client, agent, "conversation_save_faq", waiting, question="Erste Frage?")
    assert response.status_code == 400
    assert _nothing_kept()


def test_a_taken_title_is_refused_and_kept_for_correction(client, agent, office, answer):
    TextTemplate.objects.create(office=office, title="Linde", body="Schon da")
    response = _post(client, agent, "conversation_save_template", answer, title="Linde")
    assert response.status_code == 400
    assert TextTemplate.objects.count() == 1
    html = response.content.decode()
    assert 'value="Linde" required aria-invalid="true"' in html
    assert f'aria-describedby="reuse-template-{answer.pk}_error"' in html


@pytest.mark.parametrize("role", [Role.EDITOR, Role.APPROVER])
@pytest.mark.parametrize("name", ["conversation_save_template", "conversation_save_faq"])
def test_other_roles_of_the_office_are_forbidden(client, office, answer, role, name):
    someone = make_user(f"someone.{role}", office, role)
    response = _post(client, someone, name, answer, title="Linde", question="Linde?")
    assert response.status_code == 403
    assert _nothing_kept()


@pytest.mark.parametrize("name", ["conversation_save_template", "conversation_save_faq"])
def test_another_office_gets_404(client, outsider, answer, name):
    response = _post(client, outsider, name, answer, title="Linde", question="Linde?")
    assert response.status_code == 404
    assert _nothing_kept()


def test_an_answer_of_another_conversation_is_not_found(client, agent, office, answer):
    other, _new = inbound.receive(
        inbound.InboundMessage(
            office=office, channel=ReuseChannel.key, remote_id="w:q2", text_html="<p>?</p>"
        )
    )
    url = _url("conversation_save_template", other.conversation)
    log_in(client, agent)
    response = client.post(url, {"message": answer.pk, "title": "Linde"})
    assert response.status_code == 404
    assert _nothing_kept()


def test_a_get_only_leads_back_to_the_conversation(client, agent, answer):
    log_in(client, agent)
    response = client.get(_url("conversation_save_template", answer.conversation))
    assert response.status_code == 302
    assert response["Location"] == _url("conversation", answer.conversation)
    assert _nothing_kept()
