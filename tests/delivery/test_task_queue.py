"""The real queue storages carry tasks: SQLite by default, Redis when REDIS_URL is set.
(The rest of the suite runs tasks inline, so this is where the storages are exercised.)"""

import os

import pytest
from huey import RedisHuey, SqliteHuey


def _round_trip(huey) -> int:
    @huey.task()
    def add(a: int, b: int) -> int:
        return a + b

    result = add(2, 3)
    assert huey.pending_count() == 1
    task = huey.dequeue()
    huey.execute(task)
    return result.get()


def test_the_sqlite_storage_carries_a_task(tmp_path):
    huey = SqliteHuey("rathaus-test", filename=str(tmp_path / "huey.sqlite3"), utc=True)
    assert _round_trip(huey) == 5


@pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="REDIS_URL not set")
def test_the_redis_storage_carries_a_task():
    huey = RedisHuey(f"rathaus-test-{os.getpid()}", url=os.environ["REDIS_URL"], utc=True)
    try:
        assert _round_trip(huey) == 5
    finally:
        huey.storage.flush_all()


def test_settings_choose_the_storage_from_redis_url(settings):
    expected = "huey.RedisHuey" if os.environ.get("REDIS_URL") else "huey.SqliteHuey"
    assert settings.HUEY["huey_class"] == expected


def test_a_task_for_a_vanished_row_returns_quietly(db):
    from rathaus.jobs import tasks

    assert tasks.run_kind.call_local("delivery.send", [424242]) == 0
    assert tasks.run_kind.call_local("posts.publish") == 0
