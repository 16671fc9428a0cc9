from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from outcomes.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Bring back a snapshot written by `backup` into this install's database and "
        "photo storage, checking every checksum before and after. Refuses a database "
        "that holds data unless --force. Stop the web server and workers first; run "
        "`migrate` afterwards if this code is newer than the snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument("snapshot", type=Path, help="the folder `backup` wrote")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace a database that holds data, and stored files that differ",
        )

    def handle(self, *args, snapshot, force=False, **options):
        try:
            manifest = backup_restore(source=snapshot, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Restored {snapshot} (taken {manifest['created_at']}): "
            f"{len(manifest['tables'])} tables, {rows} rows and "
            f"{len(manifest['files'])} files, every checksum and row count verified."
        )
