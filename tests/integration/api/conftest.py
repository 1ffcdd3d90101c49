"""The API as production serves it: Reflex's app with our routes mounted by api_transformer."""

import pytest
from reflex_base.environment import environment

from kiko_livechat.api import rate_limit


@pytest.fixture(scope="session")
def real_app():
    """The assembled ASGI app (pages' frontend not compiled: the backend alone, once per run)."""
    environment.REFLEX_SKIP_COMPILE.set(True)
    try:
        import kiko_livechat.kiko_livechat as assembly

        return assembly.app()
    finally:
        environment.REFLEX_SKIP_COMPILE.set(None)


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Every test starts with full buckets: the tables live in the process (one client address,
    "testclient", for all tests), and many tests send requests without a valid token."""
    rate_limit.reset()
    yield
    rate_limit.reset()
