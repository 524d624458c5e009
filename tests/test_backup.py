"""A backup made the way the README says restores into an empty database with every row.

On SQLite: the online backup API (what `sqlite3 db.sqlite3 ".backup ..."` uses) into a new
file. On PostgreSQL: `pg_dump -Fc` and `pg_restore` into a database the test creates and drops.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from exercises.loader import load_library


def row_counts(execute: Callable[[str], int], tables: list[str]) -> dict[str, int]:
    return {table: execute(f'SELECT COUNT(*) FROM "{table}"') for table in tables}  # noqa: S608


def counts_here(tables: list[str]) -> dict[str, int]:
    def execute(sql: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]

    return row_counts(execute, tables)


def sqlite_restored(tmp_path: Path, tables: list[str]) -> dict[str, int]:
    """Back up with SQLite's online backup API into a new file, and count what it holds."""
    target = tmp_path / "backup.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    with sqlite3.connect(target) as restored:
        return row_counts(lambda sql: restored.execute(sql).fetchone()[0], tables)


def pg_env() -> dict[str, str]:
    settings = connection.settings_dict
    env = {**os.environ, "PGHOST": settings["HOST"] or "127.0.0.1"}
    env["PGPORT"] = str(settings["PORT"] or 5432)
    env["PGUSER"] = settings["USER"] or "postgres"
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


@contextmanager
def empty_pg_database(name: str) -> Iterator[dict[str, Any]]:
    env = pg_env()
    params = {"host": env["PGHOST"], "port": env["PGPORT"], "user": env["PGUSER"]}
    params["password"] = env.get("PGPASSWORD")
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield {**params, "dbname": name}
    finally:
        with psycopg.connect(dbname="postgres", autocommit=True, **params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def postgres_restored(tmp_path: Path, tables: list[str]) -> dict[str, int]:
    """pg_dump -Fc the test database, pg_restore it into a new one, and count what it holds."""
    dump = tmp_path / "clinic.dump"
    env = pg_env()
    source = connection.settings_dict["NAME"]
    subprocess.run(["pg_dump", "-Fc", "-f", str(dump), source], env=env, check=True)
    with empty_pg_database(f"{source}_restored") as target:
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", "-d", target["dbname"], str(dump)],
            env=env,
            check=True,
        )
        with psycopg.connect(**target) as restored:
            return row_counts(lambda sql: restored.execute(sql).fetchone()[0], tables)


@pytest.mark.django_db(transaction=True)
def test_a_backup_of_the_demo_clinic_restores_every_row(settings, tmp_path):
    settings.DEBUG = True  # the demo refuses to seed a production database
    load_library()
    call_command("seed_demo", verbosity=0)
    tables = sorted(connection.introspection.table_names())
    before = counts_here(tables)
    assert before["programs_sessionlog"] > 0 and before["clinic_patient"] > 0
    assert "clinic_cache" in tables  # the rate limits' table goes with the rest
    if connection.vendor == "sqlite":
        after = sqlite_restored(tmp_path, tables)
    elif connection.vendor == "postgresql":
        after = postgres_restored(tmp_path, tables)
    else:
        pytest.skip(f"No documented backup for {connection.vendor}")
    assert after == before
