"""The migration chain builds the schema from empty, matches the models, and goes down again."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import kiko_livechat.models  # noqa: F401
from alembic import command
from kiko_livechat.db import make_engine
from tests import databases


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request):
    if request.param == "sqlite":
        yield databases.new_sqlite_url()
        return
    reason = databases.postgres_unavailable_reason()
    if reason:
        if databases.IN_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)
    name = f"{databases.PG_TEST_DB}_migrations"
    yield databases.create_postgres_database(name)
    databases.drop_postgres_database(name)


def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_url):
    databases.migrate(empty_url)
    engine = make_engine(empty_url)
    with engine.connect() as connection:
        diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    command.downgrade(databases.alembic_config(empty_url), "base")
    databases.migrate(empty_url)
    engine.dispose()
