"""The migration chain builds the schema from empty, matches the models, and goes down again."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import kiko_livechat.models  # noqa: F401
from alembic import command
from kiko_livechat.db import make_engine
from kiko_livechat.models.search import is_modelled
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


# The expression indexes (models/search.py) are left out of the comparison; reflecting them,
# SQLAlchemy says it skips them.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_upgrade_from_empty_matches_the_models_and_downgrades(empty_url):
    databases.migrate(empty_url)
    engine = make_engine(empty_url)
    with engine.connect() as connection:
        options = {"compare_type": True, "include_object": is_modelled}
        diff = compare_metadata(MigrationContext.configure(connection, opts=options), SQLModel.metadata)
    assert diff == [], f"models and migrations differ: {diff}"
    command.downgrade(databases.alembic_config(empty_url), "base")
    databases.migrate(empty_url)
    engine.dispose()


def test_0007_gives_each_contact_the_alias_of_their_first_conversation(empty_url):
    import sqlalchemy as sa

    databases.migrate(empty_url, "0006")
    engine = make_engine(empty_url)
    now = "2026-11-01 10:00:00"
    with engine.begin() as db:
        run = lambda sql, **p: db.execute(sa.text(sql), p)  # noqa: E731
        run(
            "INSERT INTO accounts (id, name, locale, plan, livechat_active, conversation_seq, created_at)"
            " VALUES (1, 'A', 'de', 'trial', true, 2, :now)",
            now=now,
        )
        run(
            "INSERT INTO inboxes (id, account_id, name, channel_type, public_token, hmac_secret, greeting,"
            " widget_color, allowed_domains, enable_auto_assignment, created_at)"
            " VALUES (1, 1, 'Web', 'web_widget', 'pt', 'hs', '', '#1f6feb', '[]', true, :now)",
            now=now,
        )
        for contact_id in (1, 2):
            run(
                "INSERT INTO contacts (id, account_id, name, additional_attributes, custom_attributes, blocked,"
                " created_at) VALUES (:id, 1, '', '{}', '{}', false, :now)",
                id=contact_id,
                now=now,
            )
        for conv_id, alias_key, created in ((1, "1-1-1111", "2026-11-01 10:00:00"), (2, "2-2-2222", "2026-11-02")):
            run(
                "INSERT INTO conversations (id, account_id, display_id, alias_key, inbox_id, contact_id, status,"
                " last_activity_at, created_at, updated_at)"
                " VALUES (:id, 1, :id, :alias, 1, 1, 'open', :created, :created, :created)",
                id=conv_id,
                alias=alias_key,
                created=created,
            )
    databases.migrate(empty_url)
    with engine.connect() as db:
        contacts = dict(db.execute(sa.text("SELECT id, alias_key FROM contacts")).all())
        conversations = db.execute(sa.text("SELECT alias_key FROM conversations")).scalars().all()
    engine.dispose()
    assert contacts[1] == "1-1-1111" and conversations == ["1-1-1111", "1-1-1111"]
    assert contacts[2] not in ("", "1-1-1111")  # no conversation yet: an alias of its own


def test_0011_gives_each_delivery_its_target_and_drops_stored_answers(empty_url):
    import sqlalchemy as sa

    databases.migrate(empty_url, "0010")
    engine = make_engine(empty_url)
    now = "2026-11-01 10:00:00"
    with engine.begin() as db:
        run = lambda sql, **p: db.execute(sa.text(sql), p)  # noqa: E731
        run(
            "INSERT INTO accounts (id, name, locale, plan, livechat_active, conversation_seq, created_at)"
            " VALUES (1, 'A', 'de', 'trial', true, 0, :now)",
            now=now,
        )
        run(
            "INSERT INTO inboxes (id, account_id, name, channel_type, public_token, hmac_secret, greeting,"
            " widget_color, allowed_domains, enable_auto_assignment, webhook_secret, bot_receives_after_handoff,"
            " created_at) VALUES (7, 1, 'Bot', 'api', 'pt', 'hs', '', '#1f6feb', '[]', true, 's', false, :now)",
            now=now,
        )
        run(
            "INSERT INTO webhooks (id, account_id, url, subscriptions, secret, created_at)"
            " VALUES (3, 1, 'https://hooks.example.org', '[]', 's', :now)",
            now=now,
        )
        for inbox_id, webhook_id, code, error in ((7, None, 500, "the bot's answer"), (None, 3, None, "ConnectError")):
            run(
                "INSERT INTO webhook_deliveries (account_id, inbox_id, webhook_id, url, event, payload, status,"
                " attempts, next_attempt_at, last_status_code, last_error, created_at)"
                " VALUES (1, :inbox, :hook, 'https://x', 'message_created', '{}', 'pending', 1, :now, :code, :error,"
                " :now)",
                inbox=inbox_id,
                hook=webhook_id,
                code=code,
                error=error,
                now=now,
            )
    databases.migrate(empty_url)
    with engine.connect() as db:
        deliveries = db.execute(sa.text("SELECT target, last_error FROM webhook_deliveries ORDER BY id")).all()
        targets = db.execute(sa.text("SELECT key, inbox_id, webhook_id FROM webhook_targets ORDER BY key")).all()
    engine.dispose()
    assert [tuple(d) for d in deliveries] == [("inbox:7", None), ("webhook:3", "ConnectError")]
    assert [tuple(t) for t in targets] == [("inbox:7", 7, None), ("webhook:3", None, 3)]
