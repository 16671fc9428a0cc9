from django.core.management.base import BaseCommand
from django.utils import timezone

from review.services import digests_enqueue


class Command(BaseCommand):
    help = (
        "Review housekeeping. 'review digest' queues every clinic's digest now: the "
        "worker resends urgent notifications that failed, then emails each clinic's "
        "on-call address how many cases are open, with a link to the queue and no "
        "clinical details. `manage.py scheduler` already queues it daily at "
        "DIGEST_HOUR; this one counts as the day's."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("digest", help="Queue every clinic's digest now.")

    def handle(self, *args, **options):
        for line in digests_enqueue(now=timezone.now(), force=True):
            self.stdout.write(line)
