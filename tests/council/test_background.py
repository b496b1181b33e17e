"""The council's import on the job engine: a linked office's job imports it and comes back
after the interval, a server that fails is tried again, a removed link ends the job, and
the roll call queues the job of a link made without one."""

from __future__ import annotations

from django.core.management import call_command
from django.utils import timezone

from rathaus.council import background
from rathaus.council.models import CouncilObject, CouncilSource
from rathaus.jobs import engine, runner
from rathaus.jobs.models import FAILED, QUEUED, Job


def job_of(office) -> Job:
    return Job.objects.get(kind=background.KIND, key=f"office:{office.pk}")


def test_the_job_imports_its_office_only_and_comes_back_after_the_interval(
    office, other_office, fake
):
    CouncilSource.objects.create(office=other_office, system_url=fake.system_url)
    source = CouncilSource.objects.create(office=office, system_url=fake.system_url)
    background.schedule(source)
    runner.run(background.KIND)
    assert CouncilObject.objects.filter(office=office).count() == len(fake.expected_ids())
    assert not CouncilObject.objects.filter(office=other_office).exists()
    job = job_of(office)
    assert job.status == QUEUED
    assert job.next_attempt_at > timezone.now() + background.IMPORT_EVERY * 0.9


def test_a_server_that_cannot_be_read_is_tried_again(office, settings):
    settings.FEDERATION_PRIVATE_HOSTS = ["127.0.0.1"]
    source = CouncilSource.objects.create(office=office, system_url="http://127.0.0.1:9/oparl/")
    background.schedule(source)
    outcomes = runner.run(background.KIND)
    assert [outcome.verdict for outcome in outcomes] == ["retry"]
    assert job_of(office).status == QUEUED
    assert job_of(office).last_error


def test_a_removed_link_ends_its_job(office, fake):
    source = CouncilSource.objects.create(office=office, system_url=fake.system_url)
    background.schedule(source)
    source.delete()
    runner.run(background.KIND)
    assert job_of(office).status == FAILED


def test_the_roll_call_queues_a_job_for_a_link_without_one(office, other_office, fake):
    CouncilSource.objects.create(office=office, system_url=fake.system_url)
    engine.enqueue(background.KIND)  # the kind's own recurring row, as the tick makes it
    runner.run(background.KIND)
    assert job_of(office).status == QUEUED
    assert not Job.objects.filter(key=f"office:{other_office.pk}").exists()


def test_the_command_leaves_the_next_import_to_the_worker_in_an_hour(office, fake):
    call_command("oparl_import", fake.system_url, "--office", office.slug, stdout=None)
    assert job_of(office).next_attempt_at > timezone.now() + background.IMPORT_EVERY * 0.9
