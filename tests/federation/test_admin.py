"""Fediverse accounts in the Django admin: an office admin sees only their offices' ones."""

import pytest

from rathaus.federation.models import Account


@pytest.fixture
def accounts(office, other_office):
    return (
        Account.objects.create(office=office, username="presse", display_name="Presse Mitte"),
        Account.objects.create(office=other_office, username="nord", display_name="Presse Nord"),
    )


def test_an_office_admin_sees_only_their_accounts(admin_client, accounts):
    page = admin_client.get("/admin/federation/account/")
    assert page.status_code == 200
    assert b"Presse Mitte" in page.content
    assert b"Presse Nord" not in page.content
    other = admin_client.get(f"/admin/federation/account/{accounts[1].pk}/change/")
    assert other.status_code == 302


def test_an_office_admin_creates_accounts_only_for_their_offices(
    admin_client, office, other_office
):
    form = admin_client.get("/admin/federation/account/add/")
    assert form.status_code == 200
    assert f'value="{office.pk}"'.encode() in form.content
    assert f'value="{other_office.pk}"'.encode() not in form.content
    admin_client.post(
        "/admin/federation/account/add/",
        {"office": other_office.pk, "username": "gekapert", "display_name": "X"},
    )
    assert not Account.objects.filter(username="gekapert").exists()
    admin_client.post(
        "/admin/federation/account/add/",
        {"office": office.pk, "username": "baumschutz", "display_name": "Baumschutz"},
    )
    created = Account.objects.get(username="baumschutz")
    assert created.office == office
    assert "BEGIN PUBLIC KEY" in created.public_key_pem
