"""alert emails

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 03:24:44.846570
"""

import sqlalchemy as sa
import sqlmodel

import kiko_livechat.models.base
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_emails",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("send_after", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True),
        sa.Column("created_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.Column("sent_at", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_alert_emails_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_alert_emails_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_alert_emails_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_emails")),
    )
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alert_emails_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_alert_emails_due", ["status", "send_after"], unique=False)
        batch_op.create_index("ix_alert_emails_pending", ["user_id", "conversation_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.drop_index("ix_alert_emails_pending")
        batch_op.drop_index("ix_alert_emails_due")
        batch_op.drop_index(batch_op.f("ix_alert_emails_account_id"))

    op.drop_table("alert_emails")
