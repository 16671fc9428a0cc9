from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.utils import timezone

from diary.services import photo_orphans


class Command(BaseCommand):
    help = (
        "Photo file maintenance. 'photos sweep' lists photo files that no photo record "
        "refers to (left by a crash between writing a file and committing); with "
        "--delete it removes them."
    )

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        sweep = actions.add_parser("sweep", help="Report (or delete) orphaned photo files.")
        sweep.add_argument("--delete", action="store_true", help="remove them")
        sweep.add_argument(
            "--older-than-minutes",
            type=int,
            default=60,
            help="leave younger files alone: their upload may still be committing",
        )

    def handle(self, *args, delete=False, older_than_minutes=60, **options):
        orphans = photo_orphans(
            older_than=timedelta(minutes=older_than_minutes), now=timezone.now()
        )
        for name in orphans:
            if delete:
                default_storage.delete(name)
            self.stdout.write(("deleted " if delete else "orphan ") + name)
        verb = "Deleted" if delete else "Found"
        self.stdout.write(f"{verb} {len(orphans)} orphaned photo file(s).")
