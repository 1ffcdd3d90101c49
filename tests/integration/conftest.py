"""Fixtures for tests that drive the app's own entry points (states, HTTP API) against a test database."""

import pytest

from kiko_livechat import db as db_module
from kiko_livechat.settings import get_settings


@pytest.fixture
def app_db(engine, monkeypatch):
    """Point the app's own engine (used by the states) at the test database."""
    monkeypatch.setenv("KIKO_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
    yield engine
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()
