from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.backups import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a consistent snapshot of the database (SQLite's online backup, or "
        "pg_dump) and of every photo file it names, with a SHA-256 manifest, into a new "
        "folder. `restore` brings it back. README, 'Backups'."
    )

    def add_arguments(self, parser):
        parser.add_argument("destination", type=Path, help="a new or empty folder")

    def handle(self, *args, destination, **options):
        try:
            manifest = backup_create(destination=destination)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Snapshot written to {destination}: {manifest['database']['vendor']} "
            f"database ({len(manifest['tables'])} tables, {rows} rows) and "
            f"{len(manifest['files'])} files, with their checksums in manifest.json."
        )
