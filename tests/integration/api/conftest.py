"""The API as production serves it: Reflex's app with our routes mounted by api_transformer."""

import pytest
from reflex_base.environment import environment


@pytest.fixture(scope="session")
def real_app():
    """The assembled ASGI app (pages' frontend not compiled: the backend alone, once per run)."""
    environment.REFLEX_SKIP_COMPILE.set(True)
    try:
        import kiko_livechat.kiko_livechat as assembly

        return assembly.app()
    finally:
        environment.REFLEX_SKIP_COMPILE.set(None)
