"""Run several commands as one: the web server, the task worker and the scheduler.

    python deploy/together.py "gunicorn -c deploy/gunicorn.conf.py config.wsgi" \
        "python manage.py db_worker" "python manage.py scheduler"

Used by `make run` and `make serve` (production machines run each under systemd
instead, deploy/*.service). Ctrl-C or SIGTERM stops all of them; so does any one of
them exiting, since a web server without its worker would accept saves whose emails
never go out. Exits with the status of the command that stopped first.
Standard library only.
"""

import contextlib
import os
import shlex
import signal
import subprocess
import sys
import time

GRACE_SECONDS = 15  # then SIGKILL: gunicorn's graceful stop finishes requests first


def main(commands: list[str]) -> int:
    if not commands:
        print(__doc__, file=sys.stderr)
        return 2
    received = []
    signal.signal(signal.SIGINT, lambda signum, _frame: received.append(signum))
    signal.signal(signal.SIGTERM, lambda signum, _frame: received.append(signum))
    # Each command in its own process group, so stopping one reaches what it started
    # (runserver's autoreloader runs the server in a child process).
    children = [
        subprocess.Popen(shlex.split(command), process_group=0)  # noqa: S603 (ours)
        for command in commands
    ]
    status = 0
    while not received:
        finished = [child for child in children if child.poll() is not None]
        if finished:
            status = finished[0].returncode
            name = os.path.basename(finished[0].args[0])
            print(f"together: {name} exited ({status}); stopping the rest", file=sys.stderr)
            break
        time.sleep(0.2)
    # Ctrl-C is passed on as SIGINT (gunicorn's quick stop), anything else as SIGTERM.
    signum = received[0] if received else signal.SIGTERM
    for child in children:
        if child.poll() is None:
            _signal_group(child, signum)
    deadline = time.monotonic() + GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal_group(child, signal.SIGKILL)
            child.wait()
    return status


def _signal_group(child: subprocess.Popen, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(child.pid, signum)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
