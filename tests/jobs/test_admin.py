"""Background jobs in the Django admin: superusers only, and failed ones can be tried again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rathaus.jobs import engine
from rathaus.jobs.models import Job
from tests.helpers import PASSWORD, with_totp

URL = "admin:jobs_job_changelist"


@pytest.fixture
def failed_job(kind, script):
    script.answer = lambda row: engine.fail(row, "refused by the platform")
    engine.enqueue(kind, "k")
    from rathaus.jobs import runner

    runner.run(kind)
    return Job.objects.get(kind=kind.name)


@pytest.fixture
def superuser(db, django_user_model):
    user = django_user_model.objects.create_superuser("root", password=PASSWORD)
    with_totp(user)
    return user


def _log_in(client, user):
    from allauth.mfa.models import Authenticator

    client.force_login(user)
    if Authenticator.objects.filter(user=user).exists():
        session = client.session
        session["account_authentication_methods"] = [{"method": "password"}, {"method": "mfa"}]
        session.save()
    return client


def test_a_superuser_sees_failed_jobs_and_tries_them_again(client, superuser, failed_job):
    _log_in(client, superuser)
    page = client.get(reverse(URL), {"status": "failed"})
    assert page.status_code == 200
    assert "refused by the platform" in page.content.decode()

    response = client.post(
        reverse(URL), {"action": "try_again", "_selected_action": [failed_job.pk]}
    )
    assert response.status_code == 302
    failed_job.refresh_from_db()
    assert (failed_job.status, failed_job.attempts) == ("queued", 0)


def test_an_office_admin_sees_no_jobs(admin_site_as, failed_job):
    client = admin_site_as("jobs")
    assert client.get(reverse(URL)).status_code == 403
