import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django.utils import timezone

from diary.reminders import reminders_enqueue
from review.services import digests_enqueue

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Queue what is due: patients' daily reminders and each clinic's daily digest "
        "(at DIGEST_HOUR in its zone). Runs a pass every SCHEDULER_INTERVAL_SECONDS "
        "until stopped; with --once, a single pass (for cron or a systemd timer). A "
        "reminder or a digest is queued once whatever runs, even two schedulers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one pass and stop.")

    def handle(self, *args, once: bool = False, **options):
        if once:
            self._pass()
            return
        interval = settings.SCHEDULER_INTERVAL_SECONDS
        self.stdout.write(f"Scheduler: a pass every {interval} s; Ctrl-C to stop.")
        try:
            while True:
                # A database that went away (a restart, a failover) must not stop the
                # loop: the next pass tries again on a fresh connection.
                close_old_connections()
                try:
                    self._pass()
                except Exception:
                    logger.exception("Scheduler pass failed; trying again next pass.")
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Scheduler stopped.")

    def _pass(self) -> None:
        now = timezone.now()
        reminders = reminders_enqueue(now=now)
        digests = digests_enqueue(now=now)
        self.stdout.write(
            f"{now:%Y-%m-%d %H:%M:%S} UTC: {reminders} reminder(s) queued"
            + "".join(f"; {line}" for line in digests)
        )
