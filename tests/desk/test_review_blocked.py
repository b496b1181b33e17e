"""A post in review that the four-eyes rule leaves nobody to approve (every approver edited
it last, or there is none) is shown as blocked, with what to do: on its page, and on the
office admins' dashboard."""

from django.urls import reverse

from rathaus.offices.models import Membership, Role
from rathaus.posts import lifecycle, review
from tests.helpers import log_in, make_user


def _detail(client, post) -> str:
    return client.get(
        reverse("desk:post_detail", args=[post.office.slug, post.pk])
    ).content.decode()


def test_the_only_approver_edited_it_last(client, office, editor, approver, office_admin, draft):
    lifecycle.submit(draft, by=editor)
    assert not review.is_blocked(draft)
    lifecycle.edit(draft, by=approver, title="Vom Freigeber geändert")
    assert review.is_blocked(draft)

    log_in(client, office_admin)
    html = _detail(client, draft)
    blocked = html[html.index('id="blocked"') : html.index('class="detail"')]
    assert reverse("desk:members", args=[office.slug]) in blocked
    assert approver.username in blocked
    dashboard = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert [p.pk for p in dashboard.context["blocked"]] == [draft.pk]
    assert reverse("desk:members", args=[office.slug]) in dashboard.content.decode()


def test_an_office_without_approvers_blocks_every_post(client, office, editor, draft):
    lifecycle.submit(draft, by=editor)
    assert list(review.blocked_in(office)) == [draft]
    log_in(client, editor)
    html = _detail(client, draft)
    assert 'id="blocked"' in html
    # An editor cannot appoint anyone: told whom to ask, and given no members link.
    assert reverse("desk:members", args=[office.slug]) not in html


def test_a_second_approver_unblocks_it(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    lifecycle.edit(draft, by=approver, title="Geändert")
    make_user("berta.approver", office, Role.APPROVER)
    assert not review.is_blocked(draft)
    assert list(review.blocked_in(office)) == []
    log_in(client, approver)
    assert 'id="blocked"' not in _detail(client, draft)


def test_an_approver_of_another_office_does_not_count(
    client, office, other_office, editor, approver, draft
):
    lifecycle.submit(draft, by=editor)
    lifecycle.edit(draft, by=approver, title="Geändert")
    make_user("olga.other", other_office, Role.APPROVER)
    assert review.is_blocked(draft)


def test_only_office_admins_see_the_dashboard_list(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    Membership.objects.filter(user=approver).delete()  # no approver left
    log_in(client, editor)
    response = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert response.context["blocked"] is None
    assert 'id="h-blocked"' not in response.content.decode()


def test_a_draft_is_not_blocked(office, editor, draft):
    assert not review.is_blocked(draft)
    assert list(review.blocked_in(office)) == []


def test_the_authors_in_review_list_flags_it(client, office, editor, approver, draft):
    waiting = lifecycle.create_draft(office, by=editor, title="Wartet", body="Text")
    lifecycle.submit(waiting, by=editor)
    lifecycle.submit(draft, by=editor)
    lifecycle.edit(draft, by=approver, title="Geändert")
    lifecycle.edit(draft, by=editor, title="Wieder geändert")  # the editor edited last again
    assert not review.is_blocked(draft)
    Membership.objects.filter(user=approver).delete()
    log_in(client, editor)
    response = client.get(reverse("desk:dashboard", args=[office.slug]))
    flags = {p.pk: p.blocked for p in response.context["mine_in_review"]}
    assert flags == {waiting.pk: True, draft.pk: True}
    html = response.content.decode()
    assert html[html.index('id="h-mine-in-review"') :].count('class="flag"') == 2


def test_the_flag_is_off_where_someone_may_approve(client, office, editor, approver, draft):
    lifecycle.submit(draft, by=editor)
    log_in(client, editor)
    response = client.get(reverse("desk:dashboard", args=[office.slug]))
    assert [p.blocked for p in response.context["mine_in_review"]] == [False]
    html = response.content.decode()
    assert 'class="flag"' not in html[html.index('id="h-mine-in-review"') :]
