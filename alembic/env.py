"""Alembic environment: migrates the database named by the app's settings."""

from logging.config import fileConfig

from sqlmodel import SQLModel

import kiko_livechat.models  # noqa: F401  (registers every table)
from alembic import context
from kiko_livechat.db import make_engine
from kiko_livechat.models.search import is_modelled
from kiko_livechat.settings import get_settings

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def run_migrations_online() -> None:
    url = config.attributes.get("database_url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=SQLModel.metadata,
            # SQLite cannot ALTER most things in place; batch mode rebuilds the table.
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
            include_object=is_modelled,
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations_online()
