"""`flask db upgrade` builds exactly the schema the models describe, on SQLite and PostgreSQL."""

import os
import subprocess
import sys
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Column, Integer, MetaData, create_engine, inspect

from counsel.db import Base
from counsel.models import User

ROOT = Path(__file__).resolve().parents[2]


def flask_cli(database_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run `flask --app app ARGS` the way an operator does, on this database."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("COUNSEL_")}
    env.update(COUNSEL_DATABASE_URL=database_url, COUNSEL_SECRET_KEY="migration-test")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result


def schema_diffs(database_url: str, metadata: MetaData = Base.metadata) -> list:
    """Alembic's autogenerate comparison of the live schema against the metadata."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, metadata)
    finally:
        engine.dispose()


def table_names(database_url: str) -> set[str]:
    engine = create_engine(database_url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_creates_the_schema_of_the_models_and_downgrade_removes_it(database_url):
    flask_cli(database_url, "db", "upgrade")
    assert schema_diffs(database_url) == []
    assert set(Base.metadata.tables) <= table_names(database_url)
    flask_cli(database_url, "db", "downgrade", "base")
    assert table_names(database_url) <= {"alembic_version"}


def test_the_comparison_notices_a_model_the_migrations_lack(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'drift.db'}"
    flask_cli(database_url, "db", "upgrade")
    drifted = MetaData(naming_convention=Base.metadata.naming_convention)
    for table in Base.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables[User.__tablename__].append_column(Column("shoe_size", Integer))
    diffs = schema_diffs(database_url, drifted)
    assert [(diff[0], diff[2], diff[3].name) for diff in diffs] == [
        ("add_column", "users", "shoe_size")
    ]


def test_the_migrations_have_a_single_head():
    config = Config()
    config.set_main_option("script_location", str(ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"merge the migration branches: {heads}"


def test_operator_commands_on_a_freshly_migrated_database(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'ops.db'}"
    flask_cli(database_url, "db", "upgrade")
    assert "admin@counsel.test" in flask_cli(database_url, "demo").stdout
    created = flask_cli(
        database_url,
        "user",
        "create",
        "ops@example.test",
        "--role",
        "admin",
        "--name",
        "Ops",
        "--password",
        "a long password",
    )
    assert "ops@example.test" in created.stdout
