"""The app served as `make serve` serves it (gunicorn with deploy/gunicorn.conf.py,
optionally the task worker beside it), on a free loopback port, over a database made
for the run, for bench/pages.py and bench/load.py. Importing it does not set up
Django: each database is measured in a fresh interpreter (`<script> --database
sqlite|postgresql`), which `site()` sets up.

The server runs with the bench settings (bench/_bench_settings.py): production's,
DEBUG off, plus a hello-world URL that production's URLs never have.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
RESULT = "RESULT "
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres"


def databases() -> list[str]:
    """SQLite, and PostgreSQL when it answers on 127.0.0.1:5432; PostgreSQL alone
    when DATABASE_URL names one; BENCH_DATABASES=sqlite,postgresql chooses."""
    chosen = os.environ.get("BENCH_DATABASES")
    if chosen:
        return [kind.strip() for kind in chosen.split(",") if kind.strip()]
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return ["postgresql"]
    return ["sqlite", "postgresql"] if postgres_answers() else ["sqlite"]


def run_per_database(script: str, kind: str) -> dict:
    """Run `script --database kind` in a fresh interpreter, passing its output on;
    return what it reported with `report()`."""
    child = subprocess.Popen(  # noqa: S603 (our own script)
        [sys.executable, script, "--database", kind], stdout=subprocess.PIPE, text=True
    )
    result = None
    for line in child.stdout:
        if line.startswith(RESULT):
            result = json.loads(line[len(RESULT) :])
        else:
            print(line, end="", flush=True)
    if child.wait() != 0 or result is None:
        sys.exit(f"the {kind} run failed")
    return result


def report(result: dict) -> None:
    print(RESULT + json.dumps(result), flush=True)


@contextlib.contextmanager
def site(kind: str, name: str):
    """Django set up over an empty database of `kind` (a temporary SQLite file, or
    the PostgreSQL database `name`, made now and dropped after), with its own media,
    static and cache folders; yields the server's environment and the run's folder."""
    folder = Path(tempfile.mkdtemp(prefix=f"{name}-"))
    values = {
        "MEDIA_ROOT": str(folder / "media"),
        "BENCH_STATIC_ROOT": str(folder / "static"),
        "CACHE_DIR": str(folder / "cache"),  # the run's own, as its database and media
        "PHOTO_STORAGE": "local",
    }
    if kind == "sqlite":
        values["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        base = os.environ.get("DATABASE_URL", "")
        base = base if base.startswith("postgres") else DEFAULT_POSTGRES
        parts = urllib.parse.urlsplit(base)
        values["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    environment = bench_environment(**values)
    os.environ.update(environment)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    def drop() -> None:
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')

    try:
        if kind == "postgresql":
            drop()  # left by a run that was stopped
            with connection._nodb_cursor() as cursor:
                cursor.execute(f'CREATE DATABASE "{name}"')
        yield environment, folder
    finally:
        connection.close()
        if kind == "postgresql":
            drop()
        shutil.rmtree(folder, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def postgres_answers(host: str = "127.0.0.1", port: int = 5432) -> bool:
    try:
        socket.create_connection((host, port), timeout=2).close()
    except OSError:
        return False
    return True


def bench_environment(**values: str) -> dict[str, str]:
    """The server's environment: production-like settings over plain HTTP on loopback."""
    environment = dict(os.environ)
    for name in ("DEBUG", "REDIS_URL", "TASK_BACKEND", "PHOTO_STORAGE", "PHOTO_SERVING"):
        environment.pop(name, None)
    return (
        environment
        | {
            "DJANGO_SETTINGS_MODULE": "_bench_settings",
            "PYTHONPATH": os.pathsep.join([str(BENCH), str(ROOT)]),
            "SECRET_KEY": os.environ.get("SECRET_KEY") or "benchmark-only",
            "ALLOWED_HOSTS": "127.0.0.1",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",
        }
        | values
    )


class Server:
    """gunicorn (and, with `worker`, the task worker) in their own process groups;
    `stop()` ends them. Output goes to `log` (a file), never to a pipe nobody reads."""

    def __init__(
        self, environment: dict, log: Path, *, workers: int | None, worker=None, options=()
    ):
        """`workers`: gunicorn's; None takes deploy/gunicorn.conf.py's (2 x cores + 1,
        as `make serve`). `worker`: the task worker's manage.py command, if any.
        `options`: more of gunicorn's command-line options."""
        self.port = free_port()
        self.environment = environment | {"PORT": str(self.port)}
        self.log = open(log, "ab")  # noqa: SIM115 (closed in stop())
        gunicorn = [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py",
                    "--bind", f"127.0.0.1:{self.port}", "config.wsgi"]  # fmt: skip
        if workers is not None:
            gunicorn[-1:-1] = ["--workers", str(workers)]
        gunicorn[-1:-1] = list(options)
        self.processes = [self._start(gunicorn)]
        if worker:
            self.processes.append(self._start([sys.executable, "manage.py", *worker]))
        self._wait_ready()

    @property
    def master_pid(self) -> int:
        return self.processes[0].pid

    def _start(self, command: list[str]) -> subprocess.Popen:
        return subprocess.Popen(  # noqa: S603 (our own command)
            command,
            cwd=ROOT,
            env=self.environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            process_group=0,
        )

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.processes[0].poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log.name}")
            try:
                if self.get("/bench/hello/")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(
            f"gunicorn did not answer within {timeout} s; see {self.log.name}"
        )

    def get(self, path: str, cookie: str = "") -> tuple[int, dict, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def worker_pids(self) -> list[int]:
        """The gunicorn master's worker processes (children in /proc)."""
        pids = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            # "pid (name) state ppid ...": the name may hold spaces, so split after ")".
            if int(stat.rsplit(")", 1)[1].split()[1]) == self.master_pid:
                pids.append(int(entry.name))
        return sorted(pids)

    def worker_cpu(self) -> dict[int, float]:
        """CPU seconds (user and system) each gunicorn worker has used so far."""
        tick = os.sysconf("SC_CLK_TCK")
        used = {}
        for pid in self.worker_pids():
            try:
                fields = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1]
            except OSError:
                continue  # exited meanwhile
            utime, stime = fields.split()[11:13]
            used[pid] = (int(utime) + int(stime)) / tick
        return used

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        self.log.close()
