"""Defederation per office: a blocked domain's followers go, its activities are ignored,
and only the office's own admins may block for it."""

import pytest

from rathaus.audit.models import AuditEntry
from rathaus.federation import blocking
from rathaus.federation.models import BlockedDomain, Follower
from rathaus.inbox.models import Message
from rathaus.offices.access import LifecycleError
from tests.helpers import CITIZEN

ACTOR = "http://rathaus.example/ap/presse"


pytestmark = pytest.mark.usefixtures("federation_over_http")


def test_blocking_removes_the_domains_followers_and_is_logged(
    account, citizen, office, office_admin
):
    Follower.objects.create(account=account, actor=citizen)
    blocking.block(office, "Social.Example.", by=office_admin, reason="Spam")
    assert not Follower.objects.exists()
    entry = AuditEntry.objects.get(action="domain_blocked")
    assert entry.after == {"followers_removed": 1}
    assert BlockedDomain.objects.get().domain == "social.example"


def test_a_parent_domain_blocks_its_subdomains(office, office_admin):
    blocking.block(office, "spam.example", by=office_admin)
    assert blocking.is_blocked(office, "eu.spam.example")
    assert not blocking.is_blocked(office, "notspam.example")


def test_a_blocked_domain_can_neither_follow_nor_write(
    deliver, account, citizen, office, office_admin
):
    blocking.block(office, "social.example", by=office_admin)
    follow = {"id": f"{CITIZEN}#f", "type": "Follow", "actor": CITIZEN, "object": ACTOR}
    assert deliver("/ap/inbox", follow).status_code == 202
    note = {
        "id": f"{CITIZEN}/statuses/1",
        "type": "Note",
        "attributedTo": CITIZEN,
        "content": "spam",
        "to": [ACTOR],
    }
    deliver("/ap/inbox", {"id": "c", "type": "Create", "actor": CITIZEN, "object": note})
    assert not Follower.objects.exists()
    assert not Message.objects.exists()


def test_a_block_in_one_office_leaves_the_other_alone(
    other_office, office, outsider, citizen, account
):
    blocking.block(other_office, "social.example", by=outsider)
    assert not blocking.is_blocked(office, "social.example")


def test_only_an_admin_of_the_office_may_block(office, editor, outsider):
    with pytest.raises(LifecycleError):
        blocking.block(office, "x.example", by=editor)
    with pytest.raises(LifecycleError):
        blocking.block(office, "x.example", by=outsider)
    assert not BlockedDomain.objects.exists()


def test_an_office_admin_blocks_in_the_admin_and_sees_only_their_blocks(
    admin_client, office, other_office, outsider, account, citizen
):
    Follower.objects.create(account=account, actor=citizen)
    blocking.block(other_office, "nord-only.example", by=outsider)
    response = admin_client.post(
        "/admin/federation/blockeddomain/add/",
        {"office": office.pk, "domain": "social.example", "reason": "Spam"},
    )
    assert response.status_code == 302
    assert not Follower.objects.exists()
    listing = admin_client.get("/admin/federation/blockeddomain/")
    assert b"social.example" in listing.content
    assert b"nord-only.example" not in listing.content
    refused = admin_client.post(
        "/admin/federation/blockeddomain/add/",
        {"office": other_office.pk, "domain": "evil.example"},
    )
    assert refused.status_code == 200  # the form says the office is not a valid choice
    assert not BlockedDomain.objects.filter(domain="evil.example").exists()
