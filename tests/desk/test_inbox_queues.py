"""The queues of the inbox: mine, my teams, unassigned, overdue, all open, closed, per
channel and by search; another office's conversations never appear in any of them."""

import itertools
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rathaus.inbox import inbound, work
from rathaus.inbox.models import Conversation, Team
from rathaus.offices.models import Role
from tests.helpers import make_user

_ids = itertools.count()


def _ask(office, text="Eine Frage", *, channel="contact", **fields):
    message, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel=channel,
            remote_id=f"q:{next(_ids)}",
            text_html=f"<p>{text}</p>",
            **fields,
        )
    )
    return message.conversation


def _queue(client, office, **params) -> list[int]:
    response = client.get(reverse("desk:inbox", args=[office.slug]), params)
    assert response.status_code == 200
    return [row.pk for row in response.context["page_"].rows]


@pytest.fixture
def colleague(office):
    return make_user("kim.kollege", office, Role.AGENT)


def test_mine_holds_my_open_conversations_only(agent_client, office, agent, colleague):
    mine = _ask(office)
    work.assign(mine, to=agent, by=agent)
    closed = _ask(office)
    work.assign(closed, to=agent, by=agent)
    work.set_status(closed, Conversation.Status.CLOSED, by=agent)
    theirs = _ask(office)
    work.assign(theirs, to=colleague, by=agent)
    _ask(office)
    assert _queue(agent_client, office, queue="mine") == [mine.pk]


def test_my_teams_holds_the_conversations_of_my_teams(agent_client, office, agent, colleague):
    ours = Team.objects.create(office=office, name="Grünflächen")
    ours.members.add(agent)
    other = Team.objects.create(office=office, name="Verkehr")
    other.members.add(colleague)
    for_us = _ask(office)
    work.assign(for_us, team=ours, by=colleague)
    work.assign(_ask(office), team=other, by=colleague)
    assert _queue(agent_client, office, queue="team") == [for_us.pk]


def test_unassigned_holds_what_nobody_has(agent_client, office, agent):
    nobody = _ask(office)
    work.assign(_ask(office), to=agent, by=agent)
    team = Team.objects.create(office=office, name="Bürgerservice")
    work.assign(_ask(office), team=team, by=agent)
    assert _queue(agent_client, office, queue="unassigned") == [nobody.pk]


def test_overdue_holds_what_missed_its_target(agent_client, office, agent):
    late = _ask(office)
    in_time = _ask(office)
    past, future = timezone.now() - timedelta(hours=1), timezone.now() + timedelta(hours=1)
    Conversation.objects.filter(pk=late.pk).update(first_response_due=past)
    Conversation.objects.filter(pk=in_time.pk).update(first_response_due=future)
    late_but_closed = _ask(office)
    Conversation.objects.filter(pk=late_but_closed.pk).update(
        first_response_due=past, status=Conversation.Status.CLOSED
    )
    assert _queue(agent_client, office, queue="overdue") == [late.pk]
    agent_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = agent_client.get(reverse("desk:inbox", args=[office.slug])).content.decode()
    # Highlighted, and said in words: not by colour alone.
    assert html.count('<tr class="overdue">') == 1
    assert html.count('<strong class="flag">overdue</strong>') == 1


def test_all_open_and_closed_split_by_status(agent_client, office, agent):
    first, second = _ask(office), _ask(office)
    work.set_status(second, Conversation.Status.CLOSED, by=agent)
    assert _queue(agent_client, office) == [first.pk]
    assert _queue(agent_client, office, queue="open") == [first.pk]
    assert _queue(agent_client, office, queue="closed") == [second.pk]


def test_the_channel_filter_shows_one_channel(agent_client, office):
    by_mail = _ask(office, channel="email")
    by_form = _ask(office, channel="contact")
    assert _queue(agent_client, office, channel="email") == [by_mail.pk]
    assert _queue(agent_client, office, channel="contact") == [by_form.pk]
    assert set(_queue(agent_client, office)) == {by_mail.pk, by_form.pk}


def test_search_finds_subject_reference_name_address_email_and_text(agent_client, office):
    by_subject = _ask(office, subject="Laterne defekt")
    by_name = _ask(office, author_name="Berta Bürgerin")
    by_handle = _ask(office, author_handle="@berta@social.example")
    by_email = _ask(office, author_email="berta@example.org")
    by_text = _ask(office, "Die Linde vor Hausnummer 12 ist krank")
    answer = _ask(office, "Nichts")
    follow_up, _new = inbound.receive(
        inbound.InboundMessage(
            office=office,
            channel="contact",
            remote_id="q:follow-up",
            in_reply_to=answer.messages.get().remote_id,
            text_html="<p>Nachtrag zur Sperrmüllabholung</p>",
        )
    )
    assert _queue(agent_client, office, q="laterne") == [by_subject.pk]
    assert _queue(agent_client, office, q="Bürgerin") == [by_name.pk]
    assert _queue(agent_client, office, q="berta@social") == [by_handle.pk]
    assert _queue(agent_client, office, q="berta@example.org") == [by_email.pk]
    assert _queue(agent_client, office, q="hausnummer 12") == [by_text.pk]
    assert _queue(agent_client, office, q="Sperrmüll") == [follow_up.conversation_id]
    assert _queue(agent_client, office, q=by_text.reference.lower()) == [by_text.pk]
    assert _queue(agent_client, office, q="nirgends") == []


def test_another_offices_conversations_appear_in_no_queue(
    agent_client, office, other_office, agent
):
    ours = _ask(office, "Baum an der Schule", author_name="Anna")
    theirs = _ask(other_office, "Baum an der Schule", author_name="Anna", channel="email")
    Conversation.objects.filter(pk=theirs.pk).update(
        first_response_due=timezone.now() - timedelta(hours=1)
    )
    seen = set()
    for queue in ("mine", "team", "unassigned", "overdue", "open", "closed"):
        for params in ({}, {"q": "Baum"}, {"q": theirs.reference}, {"channel": "email"}):
            seen |= set(_queue(agent_client, office, queue=queue, **params))
    assert seen == {ours.pk}
    html = agent_client.get(reverse("desk:inbox", args=[office.slug]), {"q": "Baum"})
    assert theirs.reference not in html.content.decode()


def test_the_rows_say_channel_visibility_status_priority_assignee_and_topics(
    agent_client, office, agent
):
    public = _ask(office, "Öffentlich gefragt", channel="fediverse", is_public=True)
    work.assign(public, to=agent, by=agent)
    work.set_details(public, priority=3, topics=["Bäume", "Verkehr"], by=agent)
    html = agent_client.get(reverse("desk:inbox", args=[office.slug])).content.decode()
    assert public.reference in html
    assert "badge-public" in html
    assert "Bäume, Verkehr" in html
    assert agent.username in html
    assert public.get_priority_display() in html


def test_a_page_holds_fifty_and_links_to_the_next(agent_client, office):
    made = [_ask(office, f"Frage {n}").pk for n in range(53)]
    first = _queue(agent_client, office)
    second = _queue(agent_client, office, page=2)
    assert len(first) == 50
    assert len(second) == 3
    assert set(first) | set(second) == set(made)
    html = agent_client.get(reverse("desk:inbox", args=[office.slug])).content.decode()
    assert 'rel="next"' in html and "page=2" in html
    assert 'rel="prev"' not in html


def test_rubbish_in_the_query_string_opens_the_default_queue(agent_client, office):
    conversation = _ask(office)
    params = {"queue": "'; DROP TABLE", "page": "x", "channel": "<script>"}
    assert _queue(agent_client, office, **params) == [conversation.pk]


def test_the_queue_takes_the_same_few_queries_for_one_row_or_fifty(
    agent_client, office, agent, django_assert_max_num_queries
):
    team = Team.objects.create(office=office, name="Team")
    for n in range(60):
        conversation = _ask(office, f"Frage {n}")
        work.assign(conversation, to=agent, team=team, by=agent)
        work.set_details(conversation, topics=[f"Thema {n}"], by=agent)
    # session, user, the two-factor duty (one query, on every desk request), office,
    # roles, the rows with assignee and team, their topics, the office's connected
    # accounts for the channel filter: 10
    with django_assert_max_num_queries(12):
        response = agent_client.get(reverse("desk:inbox", args=[office.slug]))
    assert len(response.context["page_"].rows) == 50
