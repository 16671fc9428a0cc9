"""GET /healthz: whether this app server can serve, for a load balancer.

It checks the three things every server shares (README, "Deployment"): the
database, the photo storage and the task queue. 200 with {"status": "ok", ...} when
all answer; 503 naming what failed. No sign-in, no health data, no audit row; the
answer is never cached.
"""

import logging
import uuid

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

PROBE = b"ok"


def database_check() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def storage_check() -> None:
    """Write, read back and delete a tiny file: a full disk, a read-only mount or a
    bucket without write access all fail here. A unique name, so servers probing at
    once never meet."""
    name = default_storage.save(f"healthz/{uuid.uuid4().hex}.txt", ContentFile(PROBE))
    try:
        with default_storage.open(name, "rb") as probe:
            if probe.read() != PROBE:
                raise OSError("the probe file read back differently")
    finally:
        default_storage.delete(name)


def queue_check() -> None:
    """Ask the task backend's store: the database table of the database backend,
    Redis for the RQ backend. Another backend (the immediate one, in tests) runs
    tasks in-process and has nothing to reach."""
    try:
        from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, task_backends
    except ImportError:  # no task framework installed
        return
    backend = task_backends[DEFAULT_TASK_BACKEND_ALIAS]  # the backend itself, no proxy
    module = type(backend).__module__
    if module.startswith("django_tasks_rq"):
        import django_rq

        for queue in backend.queues:
            django_rq.get_connection(queue).ping()
    elif module.startswith("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        list(DBTaskResult.objects.order_by().values_list("pk", flat=True)[:1])


CHECKS = {"database": database_check, "storage": storage_check, "queue": queue_check}


@require_safe
def healthz(request):
    failed = []
    for name, check in CHECKS.items():
        try:
            check()
        except Exception as error:  # any failure means "not healthy"
            # The type only: a message may hold a host name or a file path.
            logger.warning("health check %s failed: %s", name, type(error).__name__)
            failed.append(name)
    if failed:
        response = JsonResponse({"status": "failing", "failed": failed}, status=503)
    else:
        response = JsonResponse({"status": "ok", "checks": list(CHECKS)})
    response["Cache-Control"] = "no-store"
    return response
