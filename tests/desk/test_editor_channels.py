"""An editor chooses the channels of one post, starting from its category's defaults; a text
over a channel's limit is stopped in the editor, which names the channel as people know it
and says how to fix it."""

import re

import pytest
from django.urls import reverse

from rathaus.delivery.models import ChannelDefault, Delivery
from rathaus.posts import lifecycle, limits
from rathaus.posts.models import Post
from tests.helpers import log_in

TOO_LONG = "Wort " * 700  # 3,500 characters: more than Xing's 3,000, and no threads there


@pytest.fixture
def xing(connect_account):
    return connect_account("xing", api_base="https://www.xing.com", remote_id="1")


@pytest.fixture
def linkedin(connect_account):
    return connect_account("linkedin", api_base="http://127.0.0.1:9", remote_id="2")


def _new(client, office, **fields):
    data = {"title": "Sperrung", "body": "Kurz.", "category": "press_release", "language": "de"}
    return client.post(reverse("desk:post_new", args=[office.slug]), data | fields)


def _ticked(html: str) -> set[str]:
    inputs = re.findall(r'<input type="checkbox" name="channels" value="([^"]+)"([^>]*)>', html)
    return {value for value, rest in inputs if "checked" in rest}


def test_the_form_lists_the_channels_by_name_ticked_as_the_category_says(
    client, office, editor, xing, linkedin
):
    ChannelDefault.objects.create(
        office=office, category="meeting", channels=[linkedin.channel_key]
    )
    log_in(client, editor)

    html = client.get(reverse("desk:post_new", args=[office.slug])).content.decode()
    meeting = client.get(
        reverse("desk:post_new", args=[office.slug]), {"category": "meeting"}
    ).content.decode()

    assert "Xing: Bezirksamt Mitte" in html and "LinkedIn: Bezirksamt Mitte" in html
    assert _ticked(html) == {xing.channel_key, linkedin.channel_key}
    assert 'value="newsroom"' not in html  # always: nothing to choose
    assert _ticked(meeting) == {linkedin.channel_key}


def test_an_untouched_choice_follows_the_category_and_a_changed_one_is_kept(
    client, office, editor, xing, linkedin
):
    ChannelDefault.objects.create(
        office=office, category="meeting", channels=[linkedin.channel_key]
    )
    log_in(client, editor)

    # Ticked for a press release, left as they were, then saved as a meeting.
    _new(client, office, category="meeting", channels=[xing.channel_key, linkedin.channel_key],
         channels_for="press_release")  # fmt: skip
    _new(
        client,
        office,
        title="Nur LinkedIn",
        channels=[linkedin.channel_key],
        channels_for="press_release",
    )
    untouched, chosen = Post.objects.order_by("pk")

    assert untouched.channels is None
    assert chosen.channels == [linkedin.channel_key, "newsroom"]
    assert limits.limit_problems(chosen) == {}
    html = client.get(reverse("desk:post_edit", args=[office.slug, chosen.pk])).content.decode()
    assert _ticked(html) == {linkedin.channel_key}


def test_a_text_over_a_limit_is_stopped_and_named_with_both_fixes(
    client, office, editor, xing, english_messages
):
    log_in(client, editor, language="en")

    response = _new(client, office, body=TOO_LONG)
    html = response.content.decode()

    assert not Post.objects.exists()
    assert 'role="alert"' in html
    assert re.search(r"Xing: Bezirksamt Mitte: Text has \d+ characters, at most 3000", html)
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert xing.channel_key not in summary
    assert "Write a shorter text for Xing under “Texts per channel”" in html
    assert "or leave Xing: Bezirksamt Mitte out of this post under “Channels”" in html
    assert TOO_LONG.strip() in html  # nothing typed is lost


def test_the_refusal_reads_in_the_desks_language(client, office, editor, xing):
    log_in(client, editor)

    html = _new(client, office, body=TOO_LONG).content.decode()

    assert not Post.objects.exists()
    assert re.search(r"Xing: Bezirksamt Mitte: Der Text hat \d+ Zeichen", html)


def test_a_shorter_variant_fixes_it(client, office, editor, xing):
    log_in(client, editor)

    response = _new(client, office, body=TOO_LONG, variant_xing="Sperrung der Lindenallee.")

    assert response.status_code == 302
    assert Post.objects.get().variant_text("xing") == "Sperrung der Lindenallee."


def test_leaving_the_channel_out_fixes_it_and_it_gets_no_delivery(
    client, office, editor, approver, xing, django_capture_on_commit_callbacks
):
    log_in(client, editor)

    response = _new(client, office, body=TOO_LONG, channels=[], channels_for="press_release")
    post = Post.objects.get()
    lifecycle.submit(post, by=editor)  # no limit of a channel left out holds it up
    lifecycle.approve(post, by=approver)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.publish(post, by=approver)

    assert response.status_code == 302
    assert post.channels == ["newsroom"]
    assert set(Delivery.objects.values_list("channel", flat=True)) == {"newsroom"}


def test_an_edit_over_the_limit_is_stopped_too(client, office, editor, draft, xing):
    log_in(client, editor)

    response = client.post(
        reverse("desk:post_edit", args=[office.slug, draft.pk]),
        {"title": draft.title, "body": TOO_LONG, "category": "short_notice", "language": "de"},
    )
    draft.refresh_from_db()

    assert response.status_code == 200
    assert "Xing: Bezirksamt Mitte" in response.content.decode()
    assert draft.body != TOO_LONG


def test_the_preview_says_a_channel_left_out_holds_nothing_up(client, office, editor, xing):
    log_in(client, editor)

    html = client.post(
        reverse("desk:preview", args=[office.slug]),
        {
            "title": "T",
            "body": TOO_LONG,
            "channels_for": "press_release",
            "category": "press_release",
        },
    ).content.decode()

    assert "counter-problem" not in html


def test_the_choice_is_part_of_what_an_approval_covers(office, editor, xing):
    post = lifecycle.create_draft(office, by=editor, title="T", body="b")
    following = post.content_hash()

    lifecycle.edit(post, by=editor, channels=["newsroom"])

    assert (
        "channels" not in lifecycle.create_draft(office, by=editor, title="T", body="b").content()
    )
    assert post.content_hash() != following


def test_the_preview_reticks_untouched_channels_for_a_new_category(
    client, office, editor, xing, linkedin
):
    ChannelDefault.objects.create(
        office=office, category="meeting", channels=[linkedin.channel_key]
    )
    log_in(client, editor)
    typed = {"title": "T", "body": "b", "category": "meeting", "channels_for": "press_release"}

    untouched = client.post(
        reverse("desk:preview", args=[office.slug]),
        typed | {"channels": [xing.channel_key, linkedin.channel_key]},
    ).content.decode()
    touched = client.post(
        reverse("desk:preview", args=[office.slug]), typed | {"channels": [xing.channel_key]}
    ).content.decode()

    assert 'id="post-channels" hx-swap-oob="true"' in untouched
    assert _ticked(untouched) == {linkedin.channel_key}
    assert 'value="meeting"' in untouched  # ticked for the meeting now
    assert "hx-swap-oob" not in touched


def test_the_calendar_filter_by_channel_knows_the_posts_own_choice(office, editor, xing):
    from django.http import QueryDict

    from rathaus.desk.forms.calendar import CalendarFilterForm

    left_out = lifecycle.create_draft(office, by=editor, title="T", body="b", channels=[])
    following = lifecycle.create_draft(office, by=editor, title="T", body="b")
    keep = CalendarFilterForm(QueryDict(f"channel={xing.channel_key}"), office=office).keep()

    assert left_out.channels == ["newsroom"]
    assert not keep(left_out)
    assert keep(following)
