"""webhook targets: one send in flight per target, a circuit breaker per target, order kept per
conversation, and a log of each attempt without the answer's body

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
import sqlmodel

import kiko_livechat.models.base
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "webhook_targets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("inbox_id", sa.Integer(), nullable=True),
        sa.Column("webhook_id", sa.Integer(), nullable=True),
        sa.Column("busy_until", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.Column("served_at", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("pauses", sa.Integer(), nullable=False),
        sa.Column("paused_until", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_webhook_targets_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["inbox_id"], ["inboxes.id"], name=op.f("fk_webhook_targets_inbox_id_inboxes"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["webhook_id"], ["webhooks.id"], name=op.f("fk_webhook_targets_webhook_id_webhooks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_targets")),
        sa.UniqueConstraint("key", name=op.f("uq_webhook_targets_key")),
    )
    with op.batch_alter_table("webhook_targets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_targets_account_id"), ["account_id"], unique=False)

    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("target", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("order_key", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
        batch_op.add_column(sa.Column("attempts_log", sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.create_index("ix_webhook_deliveries_target_due", ["target", "status", "next_attempt_at"], unique=False)
        batch_op.create_index(
            "ix_webhook_deliveries_target_order", ["target", "order_key", "status", "id"], unique=False
        )

    # Each API inbox and account webhook gets its target, existing deliveries theirs (no order
    # key: they were queued without one), and answers' bodies kept as errors until now go.
    op.execute(
        "UPDATE webhook_deliveries SET target = 'webhook:' || CAST(webhook_id AS VARCHAR) WHERE webhook_id IS NOT NULL"
    )
    op.execute(
        "UPDATE webhook_deliveries SET target = 'inbox:' || CAST(inbox_id AS VARCHAR)"
        " WHERE webhook_id IS NULL AND inbox_id IS NOT NULL"
    )
    op.execute(
        "INSERT INTO webhook_targets (account_id, key, inbox_id, failures, pauses)"
        " SELECT account_id, 'inbox:' || CAST(id AS VARCHAR), id, 0, 0 FROM inboxes WHERE channel_type = 'api'"
    )
    op.execute(
        "INSERT INTO webhook_targets (account_id, key, webhook_id, failures, pauses)"
        " SELECT account_id, 'webhook:' || CAST(id AS VARCHAR), id, 0, 0 FROM webhooks"
    )
    op.execute("UPDATE webhook_deliveries SET last_error = NULL WHERE last_status_code IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("webhook_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_webhook_deliveries_target_order")
        batch_op.drop_index("ix_webhook_deliveries_target_due")
        batch_op.drop_column("attempts_log")
        batch_op.drop_column("order_key")
        batch_op.drop_column("target")

    with op.batch_alter_table("webhook_targets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_targets_account_id"))

    op.drop_table("webhook_targets")
