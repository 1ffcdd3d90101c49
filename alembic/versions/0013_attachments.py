"""attachments stored and served by the app: staged uploads, detected type, checksum and
thumbnail; each inbox's allowed file kinds; each account's secret for expiring file links

The attachments table of 0001 was never written to: it is replaced, not altered.

Revision ID: 0013
Revises: 0012
"""

import secrets

import sqlalchemy as sa
import sqlmodel

import kiko_livechat.models.base
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def _text(length: int):
    return sqlmodel.sql.sqltypes.AutoString(length=length)


def upgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_message_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_account_id"))
    op.drop_table("attachments")
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("inbox_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("staged_by", _text(80), nullable=False),
        sa.Column("file_type", _text(10), nullable=False),
        sa.Column("content_type", _text(100), nullable=False),
        sa.Column("extension", _text(10), nullable=False),
        sa.Column("file_name", _text(255), nullable=False),
        sa.Column("byte_size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", _text(64), nullable=False),
        sa.Column("storage_key", _text(64), nullable=False),
        sa.Column("thumb_key", _text(64), nullable=True),
        sa.Column("width", sa.Integer(), nullable=True),
        sa.Column("height", sa.Integer(), nullable=True),
        sa.Column("created_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_attachments_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["inbox_id"], ["inboxes.id"], name=op.f("fk_attachments_inbox_id_inboxes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_attachments_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_attachments_message_id_messages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_attachments_storage_key")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_inbox_id"), ["inbox_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_conversation_id"), ["conversation_id"], unique=False)
        batch_op.create_index("ix_attachments_staged", ["message_id", "created_at"], unique=False)

    # A plain ADD COLUMN, no batch rebuild of messages (which would drop 0012's search triggers).
    op.add_column("messages", sa.Column("has_attachments", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.add_column("inboxes", sa.Column("allowed_file_types", sa.JSON(), nullable=True))
    op.add_column("accounts", sa.Column("signing_secret", _text(64), nullable=False, server_default=""))
    accounts = sa.table("accounts", sa.column("id", sa.Integer()), sa.column("signing_secret", sa.String()))
    bind = op.get_bind()
    for (account_id,) in bind.execute(sa.select(accounts.c.id)).all():
        bind.execute(accounts.update().where(accounts.c.id == account_id).values(signing_secret=secrets.token_hex(32)))
    if bind.dialect.name != "sqlite":  # SQLite cannot drop a column default; new rows bring their own
        op.alter_column("accounts", "signing_secret", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("accounts", schema=None) as batch_op:
        batch_op.drop_column("signing_secret")
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.drop_column("allowed_file_types")
    op.drop_column("messages", "has_attachments")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_staged")
        batch_op.drop_index(batch_op.f("ix_attachments_conversation_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_inbox_id"))
        batch_op.drop_index(batch_op.f("ix_attachments_account_id"))
    op.drop_table("attachments")
    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("file_type", _text(20), nullable=False),
        sa.Column("content_type", _text(100), nullable=False),
        sa.Column("file_name", _text(255), nullable=False),
        sa.Column("byte_size", sa.Integer(), nullable=False),
        sa.Column("storage_key", _text(255), nullable=False),
        sa.Column("created_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_attachments_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_attachments_message_id_messages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_attachments_message_id"), ["message_id"], unique=False)
