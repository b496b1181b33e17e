"""`make run` loads the demo on every start: it must be complete, and the same after a rerun."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from rathaus.answers.models import FaqEntry
from rathaus.audit.models import AuditEntry
from rathaus.connectors.models import ConnectedAccount
from rathaus.delivery.models import Delivery
from rathaus.demo import data as demo
from rathaus.inbox.models import Team
from rathaus.newsletter.models import NewsletterSettings
from rathaus.notifications.models import Notification
from rathaus.offices.access import has_role
from rathaus.offices.models import Membership, Office, Role
from rathaus.posts.models import Category, Post, PostImage
from rathaus.response_times.models import Closure, ResponseTarget


def _load() -> str:
    out = io.StringIO()
    call_command("load_demo", "--port", "8123", stdout=out)
    return out.getvalue()


def _counts() -> tuple:
    return (
        Office.objects.count(),
        get_user_model().objects.count(),
        Membership.objects.count(),
        Post.objects.count(),
        PostImage.objects.count(),
        Delivery.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def loaded(db):
    first_output = _load()
    first = _counts()
    second_output = _load()
    return first, first_output, second_output


def test_a_second_run_creates_and_duplicates_nothing(loaded):
    first, first_output, second_output = loaded
    assert _counts() == first
    assert "16 new posts" in first_output
    assert "0 new posts" in second_output
    assert Post.objects.values("office", "title").distinct().count() == Post.objects.count()


def test_both_offices_with_their_settings(loaded):
    mitte = Office.objects.get(slug="mitte")
    nord = Office.objects.get(slug="nord")
    assert mitte.name == "Bezirksamt Musterstadt-Mitte"
    assert mitte.kind == Office.Kind.BEZIRKSAMT and nord.kind == Office.Kind.ORTSAMT
    assert mitte.public_base_url == "http://127.0.0.1:8123"
    assert mitte.time_zone == "Europe/Berlin"
    assert "Datenschutzbeauftragte" in mitte.privacy_contact
    assert "Rathausplatz 1" in mitte.imprint and mitte.office_hours


def test_public_posts_per_office_and_states(loaded):
    mitte = Office.objects.get(slug="mitte")
    assert mitte.posts.public().count() == 10
    assert Post.objects.filter(office__slug="nord").public().count() == 2
    assert mitte.posts.filter(status=Post.Status.SCHEDULED).count() == 1
    assert mitte.posts.filter(status=Post.Status.IN_REVIEW).count() == 1
    assert mitte.posts.filter(status=Post.Status.DRAFT).count() == 2  # one of them sent back
    assert mitte.fixed_slots.count() == 2
    # The sent-back post waits for its editor, who was told why.
    told = Notification.objects.get(user__username="redaktion", kind="sent_back")
    assert "Terminbuchung" in told.text and told.read_at is None
    public_categories = set(mitte.posts.public().values_list("category", flat=True))
    assert public_categories == set(Category.values)


def test_the_scheduled_post_goes_out_tomorrow_at_nine_local_time(loaded):
    post = Post.objects.get(status=Post.Status.SCHEDULED)
    local = post.publish_at.astimezone(post.office.zone)
    assert (local.hour, local.minute) == (9, 0)
    assert post.approved_hash == post.content_hash()


def test_published_dates_spread_over_weeks_and_deliveries_sent(loaded):
    dates = sorted(Post.objects.public().values_list("published_at", flat=True))
    assert (dates[-1] - dates[0]).days >= 21
    public = Post.objects.public()
    assert Delivery.objects.filter(post__in=public, channel="newsroom").count() == 12
    # Sent everywhere, but the Xing page: there an editor posts by hand and confirms.
    xing = ConnectedAccount.objects.get(platform="xing").channel_key
    waiting = Delivery.objects.exclude(status=Delivery.Status.PUBLISHED)
    assert set(waiting.values_list("status", "channel")) == {("manual", xing)}
    meetings = Delivery.objects.filter(post__category="meeting")
    assert meetings.exists()
    assert xing not in set(meetings.values_list("channel", flat=True))


def test_posts_went_through_the_lifecycle_with_two_people(loaded):
    for post in Post.objects.public():
        actions = list(
            AuditEntry.objects.filter(subject_id=post.pk, subject_type="posts.post")
            .order_by("id")
            .values_list("action", "actor__username")
        )
        assert [a for a, _ in actions][:1] == ["created"]
        assert {"submitted", "approved", "published"} <= {a for a, _ in actions}
        approver = dict(actions)["approved"]
        assert approver != post.created_by.username


def test_image_with_alt_text_author_and_licence(loaded):
    image = PostImage.objects.get()
    assert image.alt_text and image.author and image.licence == "CC BY 4.0"
    assert image.image.read(8) == b"\x89PNG\r\n\x1a\n"
    assert image.post.tags.exists()
    assert Post.objects.filter(category=Category.SHORT_NOTICE, latitude__isnull=False).exists()
    meeting = Post.objects.filter(category=Category.MEETING, office__slug="mitte").get()
    assert meeting.event_start < meeting.event_end and meeting.place_name


def test_every_demo_user_has_their_roles(loaded):
    users = get_user_model().objects
    mitte = Office.objects.get(slug="mitte")
    nord = Office.objects.get(slug="nord")
    assert has_role(users.get(username="redaktion"), mitte, Role.EDITOR)
    assert has_role(users.get(username="freigabe"), mitte, Role.APPROVER)
    assert has_role(users.get(username="buergerdialog"), mitte, Role.AGENT)
    admin = users.get(username="admin")
    assert has_role(admin, mitte, Role.ADMIN) and admin.is_staff and not admin.is_superuser
    assert admin.has_perm("offices.change_office")
    assert admin.check_password(demo.PASSWORD)
    assert has_role(users.get(username="nord"), nord, Role.APPROVER)
    assert not has_role(users.get(username="nord"), mitte, Role.EDITOR, Role.APPROVER)


def test_the_second_office_has_none_of_the_first_offices_posts(loaded):
    nord = Office.objects.get(slug="nord")
    mitte_titles = set(Post.objects.filter(office__slug="mitte").values_list("title", flat=True))
    nord_titles = set(nord.posts.values_list("title", flat=True))
    assert nord_titles and not (nord_titles & mitte_titles)
    assert not nord.tags.filter(posts__office__slug="mitte").exists()
    nord_people = Membership.objects.filter(office=nord).values_list("user__username", flat=True)
    assert set(nord_people) == {"nord", "nord.redaktion"}


def test_the_admin_opens_the_office_settings(loaded, client):
    client.login(username="admin", password=demo.PASSWORD)
    mitte = Office.objects.get(slug="mitte")
    page = client.get(f"/admin/offices/office/{mitte.pk}/change/")
    assert page.status_code == 200
    nord = Office.objects.get(slug="nord")
    assert client.get(f"/admin/offices/office/{nord.pk}/change/").status_code == 302


@pytest.mark.django_db
def test_the_demo_inbox_has_conversations_through_the_real_door():
    from rathaus.inbox.models import Conversation

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())  # idempotent
    conversations = Conversation.objects.filter(office__slug="mitte")
    assert conversations.count() == 3
    assert conversations.exclude(post=None).count() == 1
    assert all(c.first_response_due for c in conversations)


def test_the_settings_pages_have_something_on_them(loaded):
    # The demo shows every capability switched on: the newsletter, the FAQ (one entry an
    # agent suggested, waiting), two teams, targets per category and closure days.
    mitte = Office.objects.get(slug="mitte")
    assert NewsletterSettings.objects.get(office=mitte).enabled
    published = FaqEntry.objects.filter(office=mitte, published=True).count()
    waiting = FaqEntry.objects.filter(office=mitte, published=False).count()
    assert (published, waiting) == (len(demo.FAQ) - 1, 1)
    assert set(Team.objects.filter(office=mitte).values_list("name", flat=True)) == {
        "Bürgerdialog",
        demo.SECOND_TEAM,
    }
    categories = set(ResponseTarget.objects.filter(office=mitte).values_list("category", flat=True))
    assert categories == {"", *demo.TARGETS}
    assert Closure.objects.filter(office=mitte).count() == len(demo.CLOSURE_DAYS)


def test_the_demo_offices_have_their_accessibility_pages_and_name_forms(db, client):
    _load()
    mitte = Office.objects.get(slug="mitte")
    assert mitte.accessibility_status == "partial"
    assert mitte.has_easy_language and mitte.has_sign_language
    assert mitte.name_genitive_phrase == "des Bezirksamts Musterstadt-Mitte"
    assert client.get("/mitte/leichte-sprache/").status_code == 200
    assert client.get("/mitte/barrierefreiheit/").status_code == 200
    # A demo loaded before these fields existed gets them on the next start.
    Office.objects.filter(slug="nord").update(accessibility_status="", name_gender="")
    _load()
    nord = Office.objects.get(slug="nord")
    assert (nord.accessibility_status, nord.name_gender) == ("full", "neuter")
