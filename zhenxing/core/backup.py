"""Backup and restore of the whole database (security.md R1).

Holds `database_backup(out)` and `database_restore(source)`: SQLite through its online backup
API (a consistent copy while the site runs), PostgreSQL through `pg_dump -Fc` / `pg_restore`
(custom format). `table_counts()` lists the rows per table, for the restore report and drill.

Keys are not in the database, so a backup is useless without `var/`'s keys (or the
environment's): keep them apart, as the README says.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection, connections


class BackupError(RuntimeError):
    pass


def _settings() -> dict[str, Any]:
    return dict(connection.settings_dict)


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = ["-h", str(db.get("HOST") or "127.0.0.1"), "-p", str(db.get("PORT") or 5432)]
    if db.get("USER"):
        args += ["-U", str(db["USER"])]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _run(command: list[str], env: dict[str, str]) -> None:
    tool = shutil.which(command[0])
    if tool is None:
        raise BackupError(f"{command[0]} 未安装 / {command[0]} is not installed")
    done = subprocess.run(  # noqa: S603 — fixed tool, arguments from settings, no shell
        [tool, *command[1:]], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BackupError(done.stderr.strip()[-2000:] or f"{command[0]} failed")


def database_backup(out: Path) -> Path:
    """Write a consistent copy of the database to `out` (a file; replaced if it exists)."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    db = _settings()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = connection.connection
        partial = out.with_name(out.name + ".partial")
        target = sqlite3.connect(partial)
        try:
            source.backup(target)
        finally:
            target.close()
        partial.replace(out)
    elif connection.vendor == "postgresql":
        args, env = _pg_env(db)
        _run(["pg_dump", "-Fc", "--no-owner", *args, "-f", str(out), str(db["NAME"])], env)
    else:  # pragma: no cover
        raise BackupError(f"no backup for {connection.vendor}")
    return out


def database_restore(source: Path) -> None:
    """Replace the configured database's contents with the backup at `source`."""
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"备份文件不存在：{source} / no backup file at {source}")
    db = _settings()
    connections.close_all()
    if connection.vendor == "sqlite":
        backup = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            try:
                intact = backup.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            except sqlite3.DatabaseError:
                intact = False
            if not intact:
                raise BackupError(f"备份文件已损坏：{source} / the backup is damaged")
            target = sqlite3.connect(str(db["NAME"]))
            try:
                backup.backup(target)
            finally:
                target.close()
        finally:
            backup.close()
    elif connection.vendor == "postgresql":
        args, env = _pg_env(db)
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                *args,
                "-d",
                str(db["NAME"]),
                str(source),
            ],
            env,
        )
    else:  # pragma: no cover
        raise BackupError(f"no restore for {connection.vendor}")


def table_counts() -> dict[str, int]:
    """Rows per table of the installed models (the restore report and drill compare them)."""
    counts: dict[str, int] = {}
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(only_existing=True)):
            if table not in tables:
                continue
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 — table names from the model registry
            counts[table] = int(cursor.fetchone()[0])
    return counts
