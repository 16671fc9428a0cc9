"""How our background work is queued and retried, through Django's task framework
(the django-tasks backport). The tasks themselves sit beside the services that queue
them (`clinic.services.invitation_email`, `review.services.urgent_alert`, ...).

A task runs on a worker (`manage.py db_worker`, or `rqworker` with Redis), so a slow
or silent mail server never holds a patient's request. django-tasks does not retry:
a task whose send fails queues itself again through `send_or_retry`, its attempt
number one higher, after a wait that doubles each time (1, 2, 4 ... 60 minutes);
after TASK_ATTEMPTS tries (about two hours) the error is raised, so the task's
result records the failure and the log says so.
"""

import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db import DatabaseBackend

logger = logging.getLogger(__name__)

TASK_ATTEMPTS = 8
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)


def enqueue_after_commit(task: Task, *args, **kwargs) -> None:
    """Queue `task` so that it runs only if the caller's transaction commits.

    On the database backend the task's row is written inside that transaction: the
    work and its task commit together or not at all, and the worker sees the task
    only after the commit. Redis (and the immediate backend, which would run it at
    once) cannot join the transaction, so there the task is queued once the commit
    is done."""
    if isinstance(task.get_backend(), DatabaseBackend):
        task.enqueue(*args, **kwargs)
    else:
        transaction.on_commit(partial(task.enqueue, *args, **kwargs))


def absolute_url(path: str) -> str:
    """The address of `path` on this site, for links in emails."""
    return settings.SITE_URL.rstrip("/") + path


def backoff(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, ...)."""
    return min(FIRST_WAIT * 2 ** (attempt - 1), LONGEST_WAIT)


def send_or_retry(task: Task, send: Callable[..., object], *args, attempt: int) -> str:
    """Call `send(*args)`; if it raises, queue `task` again with `attempt + 1` after
    `backoff(attempt)` and return "retry"; return "done" otherwise. Raises the error
    once `attempt` is the last of TASK_ATTEMPTS."""
    try:
        send(*args)
    except Exception as error:
        if attempt >= TASK_ATTEMPTS:
            logger.error("%s failed %d times; giving up.", task.name, attempt)
            raise
        wait = backoff(attempt)
        if task.get_backend().supports_defer:
            task = task.using(run_after=timezone.now() + wait)
        task.enqueue(*args, attempt=attempt + 1)
        # The error's class only: its text may carry an address.
        logger.warning("%s failed (%s, attempt %d of %d); trying again in %s.",
                       task.name, type(error).__name__, attempt, TASK_ATTEMPTS, wait)  # fmt: skip
        return "retry"
    return "done"
