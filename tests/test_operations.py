"""Running the app: the health check, the settings a production server reads from
its environment, and the helpers `make run` and `make serve` use."""

import json
import runpy
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.urls import reverse

from config import health
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_healthz_answers_ok_to_anyone_without_writing_anything(client, db, media):
    before = row_counts()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {
        "status": "ok",
        "checks": ["database", "storage", "queue"],
    }
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert row_counts() == before  # no audit row, no session
    assert list((media / "healthz").iterdir()) == []  # its probe file is gone
    assert "sessionid" not in response.cookies


def test_healthz_says_the_same_to_a_signed_in_clinician_and_keeps_no_store(
    client, clinician
):
    login(client, clinician)
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_head_but_not_post(client, db):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


def test_healthz_names_the_storage_when_it_cannot_write(client, db, settings, tmp_path):
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": not_a_folder},
        }
    }
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "failing", "failed": ["storage"]}
    assert response["Cache-Control"] == "no-store"


def test_healthz_names_every_check_that_fails(client, db, monkeypatch):
    def broken():
        raise ConnectionError("db.internal:5432 refused")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    monkeypatch.setitem(health.CHECKS, "queue", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "failing",
        "failed": ["database", "queue"],
    }
    assert b"db.internal" not in response.content


def test_healthz_refuses_an_unknown_host(client, db, settings):
    settings.ALLOWED_HOSTS = ["diary.example.org"]
    assert client.get("/healthz", HTTP_HOST="evil.example").status_code == 400


def test_healthz_is_not_redirected_to_https_for_a_load_balancer_probing_over_http(
    client, db, settings
):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def settings_from(monkeypatch, **environment) -> dict:
    """config/settings.py evaluated afresh with this environment."""
    for name in ("DATABASE_URL", "DATABASE_CONN_MAX_AGE", "REDIS_URL", "CACHE_DIR"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SECRET_KEY", "test-only-not-secret")
    return runpy.run_path(str(ROOT / "config" / "settings.py"))


def test_postgresql_connections_are_kept_a_minute_and_checked_before_reuse(monkeypatch):
    database = settings_from(monkeypatch, DATABASE_URL="postgres://diary@db:5432/diary")
    assert database["DATABASES"]["default"]["CONN_MAX_AGE"] == 60
    assert database["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is True


def test_database_conn_max_age_overrides_the_default(monkeypatch):
    database = settings_from(
        monkeypatch,
        DATABASE_URL="postgres://diary@db:5432/diary",
        DATABASE_CONN_MAX_AGE="0",
    )
    assert database["DATABASES"]["default"]["CONN_MAX_AGE"] == 0


def test_sqlite_connections_are_kept_a_minute_too(monkeypatch):
    # Opening a SQLite connection cost 0.75 ms of every request (bench/pages.py).
    database = settings_from(monkeypatch, DATABASE_URL="sqlite:////tmp/diary.sqlite3")
    assert database["DATABASES"]["default"]["CONN_MAX_AGE"] == 60


def test_the_cache_is_a_folder_shared_by_the_workers_or_redis_when_redis_url_is_set(
    monkeypatch,
):
    default = settings_from(monkeypatch, CACHE_DIR="/var/lib/diary/cache")["CACHES"]
    assert default["default"]["BACKEND"] == (
        "django.core.cache.backends.filebased.FileBasedCache"
    )
    assert default["default"]["LOCATION"] == "/var/lib/diary/cache"
    cache = settings_from(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/1")["CACHES"]
    assert cache["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["default"]["LOCATION"] == "redis://127.0.0.1:6379/1"


def test_port_free_fails_fast_with_a_clear_message_on_a_taken_port():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        taken = subprocess.run(
            [sys.executable, "deploy/port_free.py", str(port)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    assert taken.returncode == 1
    assert f"Port {port} on 127.0.0.1 is not free" in taken.stderr
    assert "PORT=8001 make run" in taken.stderr
    free = subprocess.run(
        [sys.executable, "deploy/port_free.py", str(port)], cwd=ROOT, check=False
    )
    assert free.returncode == 0


def test_together_stops_every_command_when_one_exits():
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "deploy/together.py", "sleep 60", "sh -c 'exit 3'"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 3
    assert "sh exited (3); stopping the rest" in result.stderr
    assert time.monotonic() - started < 10


def test_together_passes_ctrl_c_to_every_command(tmp_path):
    marker = tmp_path / "stopped"
    trap = f"trap 'echo stopped >> {marker}; exit 0' INT; while true; do sleep 0.1; done"
    together = subprocess.Popen(
        [sys.executable, "deploy/together.py", f'sh -c "{trap}"', f'sh -c "{trap}"'],
        cwd=ROOT,
    )
    time.sleep(1)
    together.send_signal(signal.SIGINT)
    assert together.wait(timeout=20) == 0
    assert marker.read_text() == "stopped\nstopped\n"


def test_healthz_asks_the_database_queue_for_its_table(client, db, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert any("django_tasks_database_dbtaskresult" in q["sql"] for q in queries)


def test_healthz_pings_redis_with_the_redis_queue(client, db, settings):
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        pytest.skip("needs Redis on 127.0.0.1:6379 (the TASK_BACKEND=rq path)")
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    assert client.get("/healthz").status_code == 200


def test_healthz_names_the_queue_when_redis_does_not_answer(client, db, settings):
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    settings.RQ_QUEUES = {
        "default": {"URL": f"redis://127.0.0.1:{port}/0", "DEFAULT_TIMEOUT": 5}
    }
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "failing", "failed": ["queue"]}
