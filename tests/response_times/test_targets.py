"""Due times of conversations: from the target of their category, else the office's
default, counted in the office's working hours from when the citizen wrote."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from rathaus.inbox import inbound
from rathaus.inbox.models import Conversation
from rathaus.response_times import targets
from rathaus.response_times.models import Closure, ResponseTarget

BERLIN = ZoneInfo("Europe/Berlin")
# Friday 12 June 2026, 14:00 in Berlin.
FRIDAY_2PM = datetime(2026, 6, 12, 14, 0, tzinfo=BERLIN)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


def write(office, remote_id="msg-1", *, post=None, at=FRIDAY_2PM, **fields) -> Conversation:
    """A citizen writes through the one door, at ``at``."""
    with time_machine.travel(at, tick=False):
        message, created = inbound.receive(
            inbound.InboundMessage(
                office=office,
                channel="contact",
                remote_id=remote_id,
                text_html="<p>Wann wird die Linde gefällt?</p>",
                author_email="anna@example.org",
                post=post,
                **fields,
            )
        )
    assert created
    return Conversation.objects.get(pk=message.conversation_id)


@pytest.fixture
def default_target(office):
    return ResponseTarget.objects.create(
        office=office, first_response_hours=4, resolution_hours=Decimal("16")
    )


def test_a_new_conversation_gets_due_times_from_the_default_target(office, default_target):
    conversation = write(office)
    assert conversation.first_response_due.astimezone(BERLIN) == local(2026, 6, 15, 10, 0)
    assert conversation.resolution_due.astimezone(BERLIN) == local(2026, 6, 16, 14, 0)


def test_a_categorys_own_target_wins_over_the_default(office, default_target, publish_post):
    ResponseTarget.objects.create(
        office=office, category="short_notice", first_response_hours=Decimal("1.5")
    )
    post = publish_post(title="Baumfällung", body="Zwei Linden.", category="short_notice")
    conversation = write(office, post=post)
    assert conversation.category == "short_notice"
    assert conversation.first_response_due.astimezone(BERLIN) == local(2026, 6, 12, 15, 30)
    # This target sets no resolution time, so there is none: no mix with the default.
    assert conversation.resolution_due is None


def test_other_categories_fall_back_to_the_default(office, default_target, publish_post):
    ResponseTarget.objects.create(office=office, category="emergency", first_response_hours=1)
    post = publish_post(title="Sprechstunde", body="Neue Zeiten.", category="service")
    conversation = write(office, post=post)
    assert conversation.first_response_due.astimezone(BERLIN) == local(2026, 6, 15, 10, 0)


def test_without_a_target_there_is_no_due_time(office):
    conversation = write(office)
    assert conversation.first_response_due is None
    assert conversation.resolution_due is None
    assert targets.due_times(conversation) == (None, None)


def test_a_message_on_sunday_is_due_counting_from_monday_morning(office, default_target):
    conversation = write(office, at=local(2026, 6, 14, 21, 0))
    assert conversation.first_response_due.astimezone(BERLIN) == local(2026, 6, 15, 12, 0)


def test_holidays_are_those_of_the_offices_state(office, default_target):
    # Wednesday 30 October 2024 at 15:00; Thursday is Reformationstag in Brandenburg.
    office.holiday_region = "BB"
    office.save()
    conversation = write(office, at=local(2024, 10, 30, 15, 0))
    assert conversation.first_response_due.astimezone(BERLIN) == local(2024, 11, 1, 11, 0)


def test_the_offices_own_working_hours_and_time_zone_count(office, default_target):
    office.working_hours = {str(day): [["09:00", "12:00"]] for day in range(5)}
    office.time_zone = "Europe/Lisbon"  # one hour behind Berlin
    office.save()
    conversation = write(office)  # 13:00 in Lisbon on Friday: after hours
    lisbon = ZoneInfo("Europe/Lisbon")
    due = conversation.first_response_due.astimezone(lisbon)
    assert due == datetime(2026, 6, 16, 10, 0, tzinfo=lisbon)


def test_a_reply_in_a_thread_keeps_the_conversations_due_times(office, default_target):
    first = write(office)
    with time_machine.travel(local(2026, 6, 17, 9, 0), tick=False):
        inbound.receive(
            inbound.InboundMessage(
                office=office,
                channel="contact",
                remote_id="msg-2",
                in_reply_to="msg-1",
                text_html="<p>Noch eine Frage</p>",
            )
        )
    again = Conversation.objects.get(pk=first.pk)
    assert again.first_response_due == first.first_response_due


def test_recompute_follows_a_category_change(office, default_target):
    ResponseTarget.objects.create(office=office, category="emergency", first_response_hours=1)
    conversation = write(office)
    assert conversation.first_response_due.astimezone(BERLIN) == local(2026, 6, 15, 10, 0)
    conversation.category = "emergency"
    conversation.save(update_fields=["category"])
    assert targets.recompute(conversation) is True
    stored = Conversation.objects.get(pk=conversation.pk)
    assert stored.first_response_due.astimezone(BERLIN) == local(2026, 6, 12, 15, 0)
    assert stored.resolution_due is None
    assert targets.recompute(stored) is False


def test_targets_of_one_office_never_apply_to_another(office, other_office, default_target):
    ResponseTarget.objects.create(office=office, category="service", first_response_hours=1)
    conversation = write(other_office)
    assert conversation.first_response_due is None
    assert targets.target_for(other_office, "service") is None
    own = ResponseTarget.objects.create(office=other_office, first_response_hours=8)
    assert targets.target_for(other_office, "service") == own


def test_one_target_per_office_and_category(office, default_target):
    with pytest.raises(IntegrityError):
        ResponseTarget.objects.create(office=office, first_response_hours=2)


@pytest.mark.parametrize(
    ("first", "resolution", "field"),
    [
        (None, None, "__all__"),
        (Decimal("0"), None, "first_response_hours"),
        (Decimal("-2"), Decimal("8"), "first_response_hours"),
        (Decimal("8"), Decimal("4"), "resolution_hours"),
    ],
)
def test_a_target_must_be_positive_and_make_sense(office, first, resolution, field):
    target = ResponseTarget(office=office, first_response_hours=first, resolution_hours=resolution)
    with pytest.raises(ValidationError) as error:
        target.full_clean()
    assert field in error.value.message_dict


def test_the_database_refuses_a_target_of_zero_hours(office):
    with pytest.raises(IntegrityError):
        ResponseTarget.objects.create(office=office, first_response_hours=0)


def test_broken_working_hours_lose_no_message(office, default_target, caplog):
    office.working_hours = {"0": [["16:00", "08:00"]]}
    office.save()
    conversation = write(office)
    assert conversation.messages.count() == 1
    assert conversation.first_response_due is None
    assert "No due times" in caplog.text


def test_bulk_ingest_fills_due_times_with_two_queries_and_no_update(
    office, other_office, default_target, django_assert_num_queries
):
    ResponseTarget.objects.create(office=office, category="emergency", first_response_hours=1)
    made = [
        Conversation(
            office=office, channel="mail", category="emergency", last_message_at=FRIDAY_2PM
        ),
        Conversation(office=office, channel="mail", category="service", last_message_at=FRIDAY_2PM),
        Conversation(office=other_office, channel="mail", last_message_at=FRIDAY_2PM),
    ]
    with django_assert_num_queries(2):  # the targets, the closure days of their offices
        targets.fill_due_times(made, now=FRIDAY_2PM)
    due = [c.first_response_due and c.first_response_due.astimezone(BERLIN) for c in made]
    assert due == [local(2026, 6, 12, 15, 0), local(2026, 6, 15, 10, 0), None]
    Conversation.objects.bulk_create(made)
    with django_assert_num_queries(0):
        for conversation in made:
            inbound.conversation_opened.send(sender=Conversation, conversation=conversation)
    assert Conversation.objects.get(pk=made[0].pk).first_response_due == made[0].first_response_due


def test_without_targets_bulk_ingest_asks_only_for_them(office, django_assert_num_queries):
    made = [Conversation(office=office, channel="mail", last_message_at=FRIDAY_2PM)]
    with django_assert_num_queries(1):
        targets.fill_due_times(made, now=FRIDAY_2PM)
    assert made[0].first_response_due is None


def test_the_offices_closure_days_do_not_count(office, default_target):
    # Friday 12 June 2026, 14:00: four working hours end on Monday at 10:00, unless Monday
    # is a closure day (then Tuesday).
    Closure.objects.create(office=office, day=date(2026, 6, 15), note="Brückentag")
    conversation = write(office)
    assert conversation.first_response_due.astimezone(BERLIN) == local(2026, 6, 16, 10, 0)
    made = [Conversation(office=office, channel="mail", last_message_at=FRIDAY_2PM)]
    targets.fill_due_times(made, now=FRIDAY_2PM)
    assert made[0].first_response_due.astimezone(BERLIN) == local(2026, 6, 16, 10, 0)


def test_closure_days_of_another_office_do_not_count(office, other_office, default_target):
    Closure.objects.create(office=other_office, day=date(2026, 6, 15))
    conversation = write(office)
    assert conversation.first_response_due.astimezone(BERLIN) == local(2026, 6, 15, 10, 0)
