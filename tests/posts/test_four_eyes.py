"""Vier-Augen-Prinzip: nobody approves their own text, and an approval covers exactly
the content that was approved."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.offices.models import Membership, Role
from rathaus.posts import lifecycle
from rathaus.posts.models import Post

pytestmark = pytest.mark.usefixtures("english_messages")


@pytest.fixture
def editor_and_approver(office, editor):
    """One person holding both roles: the rule must still stop them."""
    Membership.objects.create(user=editor, office=office, role=Role.APPROVER)
    return editor


def test_it_rejects_self_approval(draft, editor_and_approver):
    lifecycle.submit(draft, by=editor_and_approver)
    with pytest.raises(lifecycle.LifecycleError, match="Four-eyes"):
        lifecycle.approve(draft, by=editor_and_approver)
    draft.refresh_from_db()
    assert draft.status == Post.Status.IN_REVIEW


def test_an_approver_who_edits_cannot_then_approve(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.edit(draft, by=approver, title="Baumfällung Lindenallee: zwei Linden")
    with pytest.raises(lifecycle.LifecycleError, match="Four-eyes"):
        lifecycle.approve(draft, by=approver)


def test_a_second_person_may_approve(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    draft.refresh_from_db()
    assert draft.approved_by == approver
    assert draft.approved_hash == draft.content_hash()


def test_an_edit_after_approval_sends_the_post_back_to_review(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    lifecycle.edit(draft, by=editor, body="Am **Montag** werden drei Linden gefällt.")
    draft.refresh_from_db()
    assert draft.status == Post.Status.IN_REVIEW
    assert draft.approved_hash == "" and draft.approved_by is None
    with pytest.raises(lifecycle.LifecycleError):
        lifecycle.publish(draft, by=approver)


def test_saving_without_a_change_keeps_the_approval(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    lifecycle.edit(draft, by=editor, title=draft.title)
    draft.refresh_from_db()
    assert draft.status == Post.Status.APPROVED


def test_a_new_image_after_approval_sends_the_post_back(draft, editor, approver, tiny_png):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    lifecycle.add_image(
        draft,
        by=editor,
        file=tiny_png,
        alt_text="Zwei Linden",
        author="Pressestelle",
        licence="CC BY 4.0",
    )
    draft.refresh_from_db()
    assert draft.status == Post.Status.IN_REVIEW


def test_a_changed_channel_variant_after_approval_sends_the_post_back(
    draft, editor, approver, scripted_channel
):
    lifecycle.edit(draft, by=editor, variants={"scripted": "Kurz: Baumfällung Montag"})
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    lifecycle.edit(draft, by=editor, variants={"scripted": "Kurz: Baumfällung Dienstag"})
    draft.refresh_from_db()
    assert draft.status == Post.Status.IN_REVIEW


def test_a_change_slipped_past_the_verbs_is_caught_at_publication(draft, editor, approver):
    lifecycle.submit(draft, by=editor)
    lifecycle.approve(draft, by=approver)
    type(draft).objects.filter(pk=draft.pk).update(title="Unfreigegebener Titel")
    with pytest.raises(lifecycle.LifecycleError, match="changed after approval"):
        lifecycle.publish(draft, by=approver)


def test_an_image_needs_alt_text_author_and_licence(draft, editor):
    for alt, author, licence in [("", "A", "L"), ("Alt", "", "L"), ("Alt", "A", " ")]:
        with pytest.raises(lifecycle.LifecycleError):
            lifecycle.add_image(
                draft,
                by=editor,
                file=SimpleUploadedFile("x.png", b"x"),
                alt_text=alt,
                author=author,
                licence=licence,
            )
    assert draft.images.count() == 0
