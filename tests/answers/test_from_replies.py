"""A good answer becomes a text template or an (unpublished) FAQ entry: only for agents and
admins of the answer's office, logged, and without the citizen's personal data."""

import pytest

from rathaus.answers.models import FaqEntry, TextTemplate
from rathaus.answers.placeholders import fill
from rathaus.answers.reuse import save_as_faq, save_as_template
from rathaus.audit.log import history
from rathaus.delivery import channels
from rathaus.delivery.channels import Channel, Sent
from rathaus.inbox import work
from rathaus.inbox.inbound import InboundMessage, receive
from rathaus.inbox.models import Message, ReplyReviewer
from rathaus.offices.access import LifecycleError
from rathaus.offices.models import Membership, Role
from tests.helpers import ask, make_user

ANSWER = (
    "Guten Tag Frau Anwohnerin,\n"
    "die Linde in der Lindenallee wird am Montag gefällt & ersetzt.\n\n"
    "Ihr Vorgang {ref}; Rückfragen an anna@example.org.\n"
    "Agnes Amtmann, Bezirksamt Musterstadt-Mitte"
)


class ChatChannel(Channel):
    key = "chat"
    name = "Chat"
    publishes_posts = False
    can_reply = True
    # Channels declare the kinds of answer they deliver (issue 10, item 22); this one both.
    answers = frozenset({"public", "direct"})

    def reply(self, delivery) -> Sent:
        return Sent(remote_id=f"chat-{delivery.message_id}")


@pytest.fixture
def chat():
    channel = channels.register(ChatChannel())
    yield channel
    channels.unregister(channel.key)


@pytest.fixture
def conversation(office, chat):
    return ask(
        office,
        "<p>Wann wird die <b>Linde</b> gefällt?</p>",
        channel="chat",
        remote_id="q-1",
        author_name="Anna Anwohnerin",
        author_email="anna@example.org",
    ).conversation


@pytest.fixture
def answer(conversation, agent):
    agent.first_name, agent.last_name = "Agnes", "Amtmann"
    agent.save()
    return work.reply(conversation, ANSWER.format(ref=conversation.reference), by=agent)


def test_an_agent_saves_an_answer_as_a_template(answer, agent, office):
    template = save_as_template(answer, title="  Baumfällung   Lindenallee ", by=agent)
    assert template.office == office
    assert template.title == "Baumfällung Lindenallee"
    assert template.created_by == agent
    assert template.body == (
        "Guten Tag Frau {name},\n"
        "die Linde in der Lindenallee wird am Montag gefällt & ersetzt.\n\n"
        "Ihr Vorgang {reference}; Rückfragen an ….\n"
        "{agent}, {office}"
    )
    [entry] = history(template)
    assert entry.action == "template_saved_from_answer"
    assert entry.actor == agent
    assert entry.office_id == office.pk
    assert entry.after["message"] == answer.pk


def test_the_template_fills_in_for_the_next_citizen(answer, agent, office):
    template = save_as_template(answer, title="Baumfällung", by=agent)
    message, _ = receive(
        InboundMessage(office=office, channel="chat", remote_id="q-2", text_html="Und die Eiche?")
    )
    text = fill(template.body, message.conversation, by=agent)
    assert "Anwohnerin" not in text and "anna@example.org" not in text
    assert "Guten Tag Frau," in text
    assert f"Ihr Vorgang {message.conversation.reference};" in text
    assert text.endswith("Agnes Amtmann, Bezirksamt Musterstadt-Mitte")


def test_an_admin_saves_an_answer_as_a_template(answer, office_admin):
    assert save_as_template(answer, title="Linden", by=office_admin).created_by == office_admin


def test_an_agent_saves_an_answer_as_an_unpublished_faq_entry(answer, agent, office):
    entry = save_as_faq(answer, question="Wann werden Bäume gefällt?", by=agent)
    assert entry.office_id == office.pk
    assert entry.published is False
    assert entry.created_from == answer
    assert "Anwohnerin" not in entry.answer and "anna@example.org" not in entry.answer
    assert answer.conversation.reference not in entry.answer
    assert entry.answer.startswith("Guten Tag Frau …,\ndie Linde in der Lindenallee")
    [logged] = history(entry)
    assert (logged.action, logged.actor, logged.office_id) == (
        "faq_saved_from_answer",
        agent,
        office.pk,
    )


def test_faq_entries_from_answers_line_up_at_the_end(answer, agent):
    first = save_as_faq(answer, question="Erste Frage?", by=agent)
    second = save_as_faq(answer, question="Zweite Frage?", by=agent)
    assert second.position == first.position + 1


@pytest.mark.parametrize("role", [Role.EDITOR, Role.APPROVER])
def test_other_roles_of_the_office_cannot_reuse_answers(answer, office, role):
    someone = make_user(f"someone.{role}", office, role)
    with pytest.raises(LifecycleError):
        save_as_template(answer, title="Linden", by=someone)
    with pytest.raises(LifecycleError):
        save_as_faq(answer, question="Linden?", by=someone)
    assert not TextTemplate.objects.exists() and not FaqEntry.objects.exists()


def test_another_offices_agent_is_refused(answer, other_office, outsider):
    Membership.objects.create(user=outsider, office=other_office, role=Role.AGENT)
    with pytest.raises(LifecycleError):
        save_as_template(answer, title="Linden", by=outsider)
    with pytest.raises(LifecycleError):
        save_as_faq(answer, question="Linden?", by=outsider)
    assert not TextTemplate.objects.exists() and not FaqEntry.objects.exists()


def test_a_citizens_message_or_a_note_is_not_an_answer(conversation, agent):
    citizen = conversation.messages.get(direction=Message.Direction.INBOUND)
    note = work.add_note(conversation, "Intern: Linde ist krank.", by=agent)
    for message in (citizen, note):
        with pytest.raises(LifecycleError):
            save_as_template(message, title=f"T{message.pk}", by=agent)
        with pytest.raises(LifecycleError):
            save_as_faq(message, question="Linden?", by=agent)


def test_an_answer_waiting_for_approval_is_not_reused_yet(conversation, agent, office):
    ReplyReviewer.objects.create(office=office, user=agent)
    waiting = work.reply(conversation, "Die Linde wird gefällt.", by=agent)
    with pytest.raises(LifecycleError):
        save_as_template(waiting, title="Linden", by=agent)
    colleague = make_user("carla.colleague", office, Role.AGENT)
    work.approve_reply(waiting, by=colleague)
    waiting.refresh_from_db()
    assert save_as_template(waiting, title="Linden", by=agent).body == "Die Linde wird gefällt."


def test_a_title_is_used_once_per_office(answer, agent, english_messages):
    save_as_template(answer, title="Linden", by=agent)
    with pytest.raises(LifecycleError, match="exists already"):
        save_as_template(answer, title="Linden", by=agent)
    assert TextTemplate.objects.count() == 1


@pytest.mark.parametrize("title", ["", "   ", "x" * 121])
def test_a_missing_or_overlong_title_is_refused(answer, agent, title):
    with pytest.raises(LifecycleError):
        save_as_template(answer, title=title, by=agent)


@pytest.mark.parametrize("question", ["", "\n", "x" * 301])
def test_a_missing_or_overlong_question_is_refused(answer, agent, question):
    with pytest.raises(LifecycleError):
        save_as_faq(answer, question=question, by=agent)
