"""Fixtures for tests that drive the app's own entry points (states, HTTP API) against a test database."""

import pytest

from kiko_livechat import db as db_module
from kiko_livechat.settings import get_settings


@pytest.fixture
def app_db(engine, monkeypatch):
    """Point the app's own engine (used by the states) at the test database, and hand out that
    engine: statements counted on it are the ones the states send (the test's own engine is
    another pool, on which a count of the states' statements would always be empty)."""
    monkeypatch.setenv("KIKO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    app_engine = db_module.get_engine()
    yield app_engine
    app_engine.dispose()
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
