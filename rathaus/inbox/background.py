"""The inbox's background work on the job engine: a moderation step on the platform a
comment came from (kind ``inbox.moderate``), one job per decision, run after the commit.

A job is durable: a worker that dies or a platform that is down does not lose the step;
it is tried again by the policy (a platform's Retry-After respected), then shown as failed
in the admin's list of background jobs. The inbox keeps its decision either way.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta

from django.db import transaction

from rathaus.delivery import channels
from rathaus.inbox.models import Message
from rathaus.jobs import engine, runner

log = logging.getLogger(__name__)


def moderate_on_channel(message_id: int, action: str, reason: str = "") -> str | None:
    """Do on the platform what ``work.moderate`` decided about a comment, outside the web
    request (a slow platform must not hold a web worker or a database lock). Raises what the
    channel raises.

    Hiding, showing again and deleting follow the comment's state *now*, not ``action``:
    of two decisions taken close together the later must win, whichever job runs first.
    A report is an act of its own and goes out as queued, with its own reason. Returns
    the step sent, None when there was nothing to do."""
    message = Message.objects.filter(pk=message_id).first()
    if message is None:  # erased meanwhile (e.g. a data subject's request): nothing to do
        return None
    if action == "report":
        step = "report"
        message.moderation_reason = reason  # a later step may have replaced the stored one
    elif message.removed_at:
        step = "delete"
    else:
        step = "hide" if message.hidden_at else "unhide"
    try:
        channel = channels.get(message.channel)
    except KeyError:  # the account was disconnected meanwhile
        return None
    channels.moderate(channel, message, step)
    return step


def handle(jobs: list) -> Iterator[engine.Outcome]:
    for job in jobs:
        message_id, action = job.payload["message"], job.payload["action"]
        try:
            step = moderate_on_channel(message_id, action, job.payload.get("reason", ""))
        except channels.TemporaryError as error:
            yield engine.retry(job, str(error), retry_after=error.retry_after)
        except channels.DeliveryError as error:  # refused for good, or the token expired
            log.info("moderating message %s on the platform refused: %s", message_id, error)
            yield engine.fail(job, str(error))
        except Exception as error:
            # A bug, or a failure nobody foresaw: seen with its traceback, tried again.
            log.exception("moderating message %s (%s) failed", message_id, action)
            yield engine.retry(job, f"{type(error).__name__}: {error}")
        else:
            yield engine.done(job, result=step)


MODERATE = engine.register(
    engine.Kind(
        "inbox.moderate",
        policy=engine.Policy(
            max_attempts=5,
            backoff=engine.doubling(30),
            lease=timedelta(minutes=5),
            on_expiry=engine.REQUEUE,
            batch=10,
            delete_done=True,
        ),
        handle=handle,
        settle_each=True,
    )
)


def queue(message: Message, action: str, reason: str) -> None:
    """Queue the platform's part of a moderation decision in the decision's transaction;
    a worker is woken after the commit."""
    payload = {"message": message.pk, "action": action, "reason": reason}
    job = engine.enqueue(MODERATE, None, payload)
    transaction.on_commit(lambda: runner.wake(MODERATE, ids=[job.pk]))
