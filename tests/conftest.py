"""Shared fixtures: `engine` / `db` run each database test on SQLite and on PostgreSQL."""

import os

# Cheap argon2 for the many test logins; set before any settings are read. The browser tests'
# app process gets the production cost (tests/e2e/conftest.py).
os.environ.setdefault("KIKO_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("KIKO_PASSWORD_TIME_COST", "1")
# Attachments of this test run in a directory of their own (services/storage.py).
os.environ.setdefault("KIKO_STORAGE_DIR", __import__("tempfile").mkdtemp(prefix="kiko-storage-"))

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402
from sqlmodel import Session  # noqa: E402

from kiko_livechat.services import changes  # noqa: E402
from tests import databases  # noqa: E402

# Property-based tests: the suite runs a fixed, derandomized set of examples (the same on every
# run and machine, so it cannot flake and stays fast; no saved failures replayed from a local
# database either). `--hypothesis-profile=explore` draws fresh random examples instead.
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture]
settings.register_profile(
    "suite", derandomize=True, database=None, deadline=None, max_examples=10, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile("explore", deadline=None, max_examples=300, suppress_health_check=_SLOW_IS_FINE)
settings.load_profile("suite")


@pytest.fixture(autouse=True)
def every_commit_prepares_its_events(request):
    """Fail a test in which some code committed events without services/changes.py's step (its
    guard saved their side effects and logged an error): that code path must call it."""
    before = changes.forgotten[0]
    yield
    if changes.forgotten[0] != before and request.node.get_closest_marker("skips_change_step") is None:
        pytest.fail(f"{changes.FORGOTTEN}: a commit path skipped changes.commit (see the error log)")


@pytest.fixture(scope="session")
def sqlite_engine():
    engine = databases.migrated_engine(databases.new_sqlite_url())
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def postgresql_engine():
    reason = databases.postgres_unavailable_reason()
    if reason:
        if databases.IN_CI:
            pytest.fail(f"CI=true requires PostgreSQL: {reason}")
        pytest.skip(reason)
    url = databases.create_postgres_database()
    engine = databases.migrated_engine(url)
    yield engine
    engine.dispose()
    databases.drop_postgres_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    """A migrated, emptied database of each kind."""
    engine = request.getfixturevalue(f"{request.param}_engine")
    databases.empty_all_tables(engine)
    return engine


@pytest.fixture
def db(engine):
    with Session(engine, expire_on_commit=False) as session:
        yield session
