"""Backups: one consistent snapshot of the database and the files it names.

A snapshot is a folder (readable by its owner only):

    manifest.json       what it holds: the database file's and every stored file's
                        SHA-256, and each table's row count
    database.sqlite3    SQLite: a copy made with SQLite's online backup API
    database.pgdump     PostgreSQL: `pg_dump --format=custom`
    files/photos/...    every file a FileField names (the photos), byte for byte

The database copy and the list of files come from the same moment: SQLite's backup
copies a single read transaction and the file names are read from that copy;
PostgreSQL's dump runs on a snapshot exported from our own repeatable-read
transaction, in which the file names and row counts are read too. The manifest is
written last, so a snapshot cut short has none and is refused.

Restoring checks every checksum in the snapshot before touching anything, refuses a
database that holds data (unless forced), brings the database back (SQLite's backup
API the other way; `pg_restore --clean --single-transaction`), copies the files into
the storage, then reads each one back from the storage to check its checksum and
counts every table's rows against the manifest.

Why not django-dbbackup: README, "Backups".
"""

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection, models, transaction

FORMAT = "downtime-diary-backup"
VERSION = 1
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
# Filled by `migrate` on a fresh install, so they do not make a database "in use".
MIGRATION_TABLES = {"django_migrations", "django_content_type", "auth_permission"}


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


def backup_create(*, destination: Path) -> dict:
    """Write a snapshot of the database and its files into `destination` (a new or
    empty folder); return its manifest. Raises BackupError if the folder holds
    anything, if a database tool is missing or fails, or if a file the database
    names is missing from the storage."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise BackupError(f"{destination} is not empty: choose a new folder.")
    destination.mkdir(mode=0o700, parents=True, exist_ok=True)
    destination.chmod(0o700)  # health data: its owner only
    if connection.vendor == "sqlite":
        database_file, names, tables = _sqlite_backup(destination)
    elif connection.vendor == "postgresql":
        database_file, names, tables = _postgresql_backup(destination)
    else:
        raise BackupError(
            f"Backups support SQLite and PostgreSQL, not {connection.vendor}."
        )
    files = {}
    for name in sorted(names):
        target = destination / "files" / _safe(name)
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with default_storage.open(name, "rb") as source, open(target, "wb") as copy:
                files[name] = _copy_hashing(source, copy)
        except FileNotFoundError:
            raise BackupError(
                f"{name} is named by the database but missing from the storage (removed "
                "while the backup ran?). Run the backup again; `photos sweep` lists "
                "files the other way round."
            ) from None
    manifest = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": {
            "vendor": connection.vendor,
            "file": database_file.name,
            "sha256": _file_sha256(database_file),
        },
        "tables": tables,
        "files": files,
    }
    partial = destination / (MANIFEST + ".partial")
    partial.write_text(json.dumps(manifest, indent=1, sort_keys=True))
    partial.rename(destination / MANIFEST)
    return manifest


def backup_restore(*, source: Path, force: bool = False) -> dict:
    """Bring the snapshot in `source` back into the configured database and storage;
    return its manifest. Raises BackupError, before changing anything, if a checksum
    in the snapshot does not match, the database vendor differs, the database holds
    data or a stored file differs from the snapshot's (either unless `force`); and,
    after restoring, if a file read back from the storage or a table's row count
    differs from the manifest."""
    source = Path(source)
    manifest = _manifest_verified(source)
    if manifest["database"]["vendor"] != connection.vendor:
        raise BackupError(
            f"This snapshot is of a {manifest['database']['vendor']} database; this "
            f"install uses {connection.vendor}."
        )
    if not force and (used := _tables_in_use()):
        raise BackupError(
            f"The database already holds data (in {', '.join(used[:3])}"
            f"{', ...' if len(used) > 3 else ''}): restore into an empty install, or "
            "pass --force to replace it."
        )
    to_copy = _files_to_copy(source, manifest["files"], force=force)
    database_file = source / manifest["database"]["file"]
    if connection.vendor == "sqlite":
        _sqlite_restore(database_file)
    else:
        _postgresql_restore(database_file)
    for name in to_copy:
        if default_storage.exists(name):  # differs (checked above); forced
            default_storage.delete(name)
        with open(source / "files" / _safe(name), "rb") as copy:
            stored = default_storage.save(name, File(copy, name=name))
        if stored != name:
            raise BackupError(f"The storage saved {name} as {stored}.")
    for name, expected in manifest["files"].items():
        with default_storage.open(name, "rb") as stored:
            if _copy_hashing(stored, None) != expected:
                raise BackupError(
                    f"{name} reads back from the storage with another checksum."
                )
    counts = _row_counts(connection.cursor(), manifest["tables"])
    if counts != manifest["tables"]:
        wrong = sorted(
            t for t in manifest["tables"] if counts.get(t) != manifest["tables"][t]
        )
        raise BackupError(f"Row counts differ after restoring: {', '.join(wrong)}.")
    return manifest


# SQLite


def _sqlite_backup(destination: Path) -> tuple[Path, set[str], dict[str, int]]:
    database_file = destination / "database.sqlite3"
    connection.ensure_connection()
    copy = sqlite3.connect(database_file)
    try:
        # One read transaction over the whole database: writers keep writing (WAL),
        # the copy is the database as it was when the backup began.
        connection.connection.backup(copy)
        # The copy carries the live database's WAL mode; a snapshot is one file,
        # unchanged by being opened (its checksum must hold).
        copy.execute("PRAGMA journal_mode=DELETE")
        cursor = copy.cursor()
        tables = [
            name
            for (name,) in cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return database_file, _file_names(cursor), _row_counts(cursor, tables)
    finally:
        copy.close()


def _sqlite_restore(database_file: Path) -> None:
    connection.close()
    connection.ensure_connection()
    snapshot = sqlite3.connect(f"file:{database_file}?mode=ro", uri=True)
    try:
        # Page by page into the live file through SQLite's own locking (and its WAL):
        # never a file copied over a database that has a journal beside it.
        snapshot.backup(connection.connection)
    finally:
        snapshot.close()
        connection.close()


# PostgreSQL


def _postgresql_backup(destination: Path) -> tuple[Path, set[str], dict[str, int]]:
    if connection.in_atomic_block:
        raise BackupError("Run the backup outside a transaction.")
    database_file = destination / "database.pgdump"
    with transaction.atomic(), connection.cursor() as cursor:
        # Our transaction's snapshot is exported to pg_dump, so the dump, the file
        # names and the row counts all see the same committed state.
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        (snapshot,) = cursor.fetchone()
        _run_pg(
            "pg_dump",
            ["--format=custom", f"--snapshot={snapshot}", f"--file={database_file}"],
        )
        tables = sorted(connection.introspection.table_names(cursor))
        return database_file, _file_names(cursor), _row_counts(cursor, tables)


def _postgresql_restore(database_file: Path) -> None:
    connection.close()
    # --clean --if-exists drops each table the dump holds before recreating it;
    # --single-transaction: all of it or nothing. Owners and grants stay the target's.
    _run_pg(
        "pg_restore",
        ["--clean", "--if-exists", "--no-owner", "--no-privileges",
         "--single-transaction", "--exit-on-error", str(database_file)],
        database_option=True,
    )  # fmt: skip


def _run_pg(program: str, parameters: list[str], *, database_option: bool = False) -> None:
    """Run pg_dump or pg_restore against the configured database, with the settings
    psql would get from `manage.py dbshell` (host, port, user, password, TLS)."""
    if shutil.which(program) is None:
        raise BackupError(f"{program} is not installed (Debian: postgresql-client).")
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    database = args.pop()  # psql's last argument is the database name
    args[0] = program
    args += [f"--dbname={database}", *parameters] if database_option else parameters
    if not database_option:
        args.append(database)
    result = subprocess.run(  # noqa: S603 (our own arguments, no shell)
        args, env={**os.environ, **(env or {})}, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise BackupError(f"{program} failed: {result.stderr.strip()[-2000:]}")


# Both


def _file_fields() -> Iterable[tuple[str, str]]:
    """(table, column) of every FileField: what names files in the storage."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField):
                yield model._meta.db_table, field.column


def _file_names(cursor) -> set[str]:
    quote = connection.ops.quote_name
    names = set()
    for table, column in _file_fields():
        cursor.execute(f"SELECT {quote(column)} FROM {quote(table)}")  # noqa: S608
        names.update(name for (name,) in cursor.fetchall() if name)
    return names


def _row_counts(cursor, tables: Iterable[str]) -> dict[str, int]:
    quote = connection.ops.quote_name
    counts = {}
    for table in tables:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608
        counts[table] = cursor.fetchone()[0]
    return counts


def _tables_in_use() -> list[str]:
    """The tables of the configured database holding rows that `migrate` would not
    have written on a fresh install."""
    quote = connection.ops.quote_name
    used = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            if table in MIGRATION_TABLES:
                continue
            cursor.execute(f"SELECT 1 FROM {quote(table)} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                used.append(table)
    return used


def _manifest_verified(source: Path) -> dict:
    try:
        manifest = json.loads((source / MANIFEST).read_text())
    except FileNotFoundError:
        raise BackupError(
            f"{source} has no {MANIFEST}: not a snapshot, or one cut short."
        ) from None
    if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
        raise BackupError(f"{source} is not a snapshot this version can restore.")
    database = manifest["database"]
    if _file_sha256(source / _safe(database["file"])) != database["sha256"]:
        raise BackupError(f"{database['file']} does not match its checksum.")
    for name, expected in manifest["files"].items():
        path = source / "files" / _safe(name)
        if not path.is_file() or _file_sha256(path) != expected:
            raise BackupError(f"files/{name} is missing or does not match its checksum.")
    return manifest


def _files_to_copy(source: Path, files: dict[str, str], *, force: bool) -> list[str]:
    """The snapshot's files that the storage lacks or holds with other contents;
    raises BackupError on the latter unless `force`."""
    to_copy = []
    for name, expected in sorted(files.items()):
        if not default_storage.exists(name):
            to_copy.append(name)
            continue
        with default_storage.open(name, "rb") as stored:
            if _copy_hashing(stored, None) == expected:
                continue
        if not force:
            raise BackupError(
                f"The storage holds another file named {name}: pass --force to replace it."
            )
        to_copy.append(name)
    return to_copy


def _safe(name: str) -> PurePosixPath:
    """A stored name as a relative path that stays inside the snapshot folder."""
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise BackupError(f"Refusing the file name {name!r}.")
    return path


def _copy_hashing(source, target) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        if target is not None:
            target.write(chunk)
    return digest.hexdigest()


def _file_sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return _copy_hashing(file, None)
