"""canned responses personal or account-wide; the message search index (SQLite FTS5 kept in
sync by triggers, PostgreSQL GIN over the message's words)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa

import kiko_livechat.models.base
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

# A later migration that rebuilds `messages` on SQLite (batch mode) drops these triggers with
# the old table: it must create them again.
SQLITE_UP = [
    "CREATE VIRTUAL TABLE messages_search USING fts5("
    "content, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')",
    "CREATE TRIGGER messages_search_insert AFTER INSERT ON messages BEGIN"
    " INSERT INTO messages_search(rowid, content) VALUES (new.id, new.content); END",
    "CREATE TRIGGER messages_search_delete AFTER DELETE ON messages BEGIN"
    " INSERT INTO messages_search(messages_search, rowid, content) VALUES ('delete', old.id, old.content); END",
    "CREATE TRIGGER messages_search_update AFTER UPDATE OF content ON messages BEGIN"
    " INSERT INTO messages_search(messages_search, rowid, content) VALUES ('delete', old.id, old.content);"
    " INSERT INTO messages_search(rowid, content) VALUES (new.id, new.content); END",
    "INSERT INTO messages_search(messages_search) VALUES ('rebuild')",
]
SQLITE_DOWN = [
    "DROP TRIGGER messages_search_update",
    "DROP TRIGGER messages_search_delete",
    "DROP TRIGGER messages_search_insert",
    "DROP TABLE messages_search",
]
POSTGRES_UP = ["CREATE INDEX ix_messages_content_search ON messages USING gin (to_tsvector('simple', content))"]
POSTGRES_DOWN = ["DROP INDEX ix_messages_content_search"]


def upgrade() -> None:
    with op.batch_alter_table("canned_responses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("updated_at", kiko_livechat.models.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_canned_responses_user_id_users"), "users", ["user_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.drop_constraint("uq_canned_responses_account_id_short_code", type_="unique")
        batch_op.create_index(
            "uq_canned_responses_shared_code",
            ["account_id", "short_code"],
            unique=True,
            sqlite_where=sa.text("user_id IS NULL"),
            postgresql_where=sa.text("user_id IS NULL"),
        )
        batch_op.create_index(
            "uq_canned_responses_personal_code",
            ["account_id", "user_id", "short_code"],
            unique=True,
            sqlite_where=sa.text("user_id IS NOT NULL"),
            postgresql_where=sa.text("user_id IS NOT NULL"),
        )
    for statement in SQLITE_UP if op.get_bind().dialect.name == "sqlite" else POSTGRES_UP:
        op.execute(statement)


def downgrade() -> None:
    for statement in SQLITE_DOWN if op.get_bind().dialect.name == "sqlite" else POSTGRES_DOWN:
        op.execute(statement)
    with op.batch_alter_table("canned_responses", schema=None) as batch_op:
        batch_op.drop_index("uq_canned_responses_personal_code")
        batch_op.drop_index("uq_canned_responses_shared_code")
        batch_op.create_unique_constraint("uq_canned_responses_account_id_short_code", ["account_id", "short_code"])
        batch_op.drop_constraint("fk_canned_responses_user_id_users", type_="foreignkey")
        batch_op.drop_column("updated_at")
        batch_op.drop_column("user_id")
