"""`manage.py backup` and `manage.py restore`: a snapshot of a clinic's diaries and
photos comes back whole into an empty install, and nothing else is let through.

The round trip restores into a second, empty database of the same kind (a SQLite
file; on PostgreSQL a database made for the test) through `manage.py` in another
process, exactly as on a new server: `migrate`, then `restore`.
"""

import hashlib
import io
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from diary.models import Entry, Photo
from diary.photos import prepare_photo
from tests.factories import StaffFactory, TreatmentFactory, record
from tests.images import image_bytes, upload

ROOT = Path(__file__).resolve().parent.parent.parent


def photo(color):
    return prepare_photo(upload(image_bytes(size=(320, 240), color=color)))


@pytest.fixture
def diaries(clinic):
    """A clinic with a clinician, two treatments and five entries, three with
    photos (three files each)."""
    StaffFactory(clinic=clinic)
    first, second = TreatmentFactory(clinic=clinic), TreatmentFactory(clinic=clinic)
    record(first, 0, redness=3, pain=5, photos=[photo((200, 90, 80))])
    record(first, 1, redness=4, bruising=4, photos=[photo((190, 80, 70))])
    record(first, 2)
    record(second, 0, photos=[photo((210, 120, 110))])
    record(second, 1, note="a little itchy")
    assert Photo.objects.count() == 3
    return clinic


def row_counts_here() -> dict[str, int]:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608
            counts[table] = cursor.fetchone()[0]
    return counts


def checksums(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def manage(environment: dict, *args) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


class EmptyInstall:
    """A second database of the current kind, migrated and empty, with its own media
    folder; `counts()` reads its tables' row counts."""

    def __init__(self, tmp_path: Path):
        self.media = tmp_path / "restored-media"
        settings = connection.settings_dict
        environment = {
            name: value
            for name, value in os.environ.items()
            if name not in ("DATABASE_URL", "MEDIA_ROOT", "PHOTO_STORAGE", "REDIS_URL")
        }
        self.environment = environment | {
            "SECRET_KEY": "test-only-not-secret",
            "MEDIA_ROOT": str(self.media),
            "PHOTO_STORAGE": "local",
        }
        if connection.vendor == "sqlite":
            self.file = tmp_path / "restored.sqlite3"
            self.environment["DATABASE_URL"] = f"sqlite:///{self.file}"
        else:
            if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
                pytest.skip("pg_dump and pg_restore are not installed")
            self.name = f"{settings['NAME']}_restore"
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')
            user = settings["USER"] or ""
            password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
            host = settings["HOST"] or "localhost"
            port = settings["PORT"] or 5432
            self.environment["DATABASE_URL"] = (
                f"postgres://{user}{password}@{host}:{port}/{self.name}"
            )
        migrated = manage(self.environment, "migrate", "--no-input", "--verbosity", "0")
        assert migrated.returncode == 0, migrated.stderr

    def _admin(self, statement: str) -> None:
        with connection._nodb_cursor() as cursor:
            cursor.execute(statement)

    def counts(self) -> dict[str, int]:
        if connection.vendor == "sqlite":
            with sqlite3.connect(self.file) as restored:
                tables = [
                    name
                    for (name,) in restored.execute(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND name NOT LIKE 'sqlite_%'"
                    )
                ]
                return {
                    t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                    for t in tables
                }
        import psycopg

        settings = connection.settings_dict
        with psycopg.connect(
            dbname=self.name,
            user=settings["USER"] or None,
            password=settings["PASSWORD"] or None,
            host=settings["HOST"] or None,
            port=settings["PORT"] or None,
        ) as restored:
            tables = [
                name
                for (name,) in restored.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                )
            ]
            return {
                t: restored.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0]  # noqa: S608
                for t in tables
            }

    def drop(self) -> None:
        if connection.vendor != "sqlite":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')


@pytest.fixture
def empty_install(tmp_path):
    install = EmptyInstall(tmp_path)
    yield install
    install.drop()


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_bring_back_every_row_and_photo_into_an_empty_install(
    diaries, media, tmp_path, empty_install
):
    snapshot = tmp_path / "snapshot"
    call_command("backup", str(snapshot), stdout=io.StringIO())
    expected_rows, expected_files = row_counts_here(), checksums(media / "photos")
    assert len(expected_files) == 9  # three photos, three sizes each
    assert oct(snapshot.stat().st_mode & 0o777) == "0o700"

    restored = manage(empty_install.environment, "restore", str(snapshot))

    assert restored.returncode == 0, restored.stderr
    assert "every checksum and row count verified" in restored.stdout
    assert empty_install.counts() == expected_rows
    assert expected_rows["diary_entry"] == 5
    assert checksums(empty_install.media / "photos") == expected_files


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_an_install_that_holds_data_unless_forced(
    diaries, tmp_path, empty_install
):
    snapshot = tmp_path / "snapshot"
    call_command("backup", str(snapshot), stdout=io.StringIO())
    assert manage(empty_install.environment, "restore", str(snapshot)).returncode == 0

    again = manage(empty_install.environment, "restore", str(snapshot))
    assert again.returncode == 1
    assert "The database already holds data" in again.stderr
    assert "pass --force to replace it" in again.stderr

    forced = manage(empty_install.environment, "restore", str(snapshot), "--force")
    assert forced.returncode == 0, forced.stderr
    assert empty_install.counts()["diary_photo"] == 3


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_snapshot_whose_photo_was_altered_and_changes_nothing(
    diaries, tmp_path
):
    snapshot = tmp_path / "snapshot"
    call_command("backup", str(snapshot), stdout=io.StringIO())
    altered = next((snapshot / "files" / "photos").iterdir())
    altered.write_bytes(altered.read_bytes()[:-1] + b"\x00")
    before = row_counts_here()

    with pytest.raises(
        CommandError, match=re.escape(f"files/photos/{altered.name} is missing or")
    ):
        call_command("restore", str(snapshot), "--force")
    assert row_counts_here() == before


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_a_snapshot_cut_short(diaries, tmp_path):
    snapshot = tmp_path / "snapshot"
    call_command("backup", str(snapshot), stdout=io.StringIO())
    (snapshot / "manifest.json").unlink()
    with pytest.raises(
        CommandError, match=re.escape("has no manifest.json: not a snapshot")
    ):
        call_command("restore", str(snapshot))


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_file_names_that_leave_the_snapshot(diaries, tmp_path):
    snapshot = tmp_path / "snapshot"
    call_command("backup", str(snapshot), stdout=io.StringIO())
    manifest = json.loads((snapshot / "manifest.json").read_text())
    manifest["files"]["../../etc/passwd"] = "0" * 64
    (snapshot / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        CommandError, match=re.escape("Refusing the file name '../../etc/passwd'")
    ):
        call_command("restore", str(snapshot))


@pytest.mark.django_db(transaction=True)
def test_backup_refuses_a_folder_that_is_not_empty(diaries, tmp_path):
    (tmp_path / "snapshot").mkdir()
    (tmp_path / "snapshot" / "notes.txt").write_text("mine")
    with pytest.raises(CommandError, match="is not empty: choose a new folder"):
        call_command("backup", str(tmp_path / "snapshot"))
    assert [p.name for p in (tmp_path / "snapshot").iterdir()] == ["notes.txt"]


@pytest.mark.django_db(transaction=True)
def test_backup_says_which_photo_is_missing_from_the_storage(diaries, media, tmp_path):
    lost = Photo.objects.first().thumbnail.name
    (media / lost).unlink()
    with pytest.raises(
        CommandError, match=re.escape(f"{lost} is named by the database but missing")
    ):
        call_command("backup", str(tmp_path / "snapshot"))
    assert not (tmp_path / "snapshot" / "manifest.json").exists()
    assert Entry.objects.count() == 5
