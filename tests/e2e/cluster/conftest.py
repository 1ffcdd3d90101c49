"""The scale-out setup: PostgreSQL, Redis and three Reflex workers. Run in its own pytest
invocation (scripts/run-tests.sh), because a second production build shares the .web folder."""

import os

import pytest
import redis

from tests import databases
from tests.e2e.conftest import _require_chromium, running_app

# Per process: two checkouts (worktrees) may run their cluster tests at the same time.
CLUSTER_DB = f"kiko_e2e_cluster_{os.getpid()}"
WORKERS = 3


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    _require_chromium()
    for reason in (databases.postgres_unavailable_reason(), databases.redis_unavailable_reason()):
        if reason:
            if databases.IN_CI:
                pytest.fail(f"CI=true requires PostgreSQL and Redis: {reason}")
            pytest.skip(reason)
    redis.Redis.from_url(databases.REDIS_URL).flushdb()
    url = databases.create_postgres_database(CLUSTER_DB)
    workdir = tmp_path_factory.mktemp("cluster")
    env = {"KIKO_REDIS_URL": databases.REDIS_URL, "GRANIAN_WORKERS": str(WORKERS)}
    try:
        with running_app(workdir, url, env) as app:
            yield app
    finally:
        databases.drop_postgres_database(CLUSTER_DB)
