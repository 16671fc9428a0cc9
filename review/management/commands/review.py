from django.core.management.base import BaseCommand

from review.services import review_digest


class Command(BaseCommand):
    help = (
        "Review housekeeping. 'review digest' (run daily, e.g. from cron) resends urgent "
        "notifications that failed, then emails each clinic's on-call address how many "
        "cases are open, with a link to the queue and no clinical details."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("digest", help="Retry failed urgent emails; send the digest.")

    def handle(self, *args, **options):
        for line in review_digest():
            self.stdout.write(line)
