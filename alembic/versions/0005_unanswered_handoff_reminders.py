"""Unanswered handoff reminders: the per-inbox time, the due and reminded times per
conversation, when the visitor asked to be answered by e-mail, and transcript e-mails to
visitors in the alert e-mail queue.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 03:59:51.992281
"""

import sqlalchemy as sa

import kiko_livechat.models.base
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=True)

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unanswered_due_at", kiko_livechat.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("unanswered_at", kiko_livechat.models.base.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("email_requested_at", kiko_livechat.models.base.UTCDateTime(), nullable=True))
        batch_op.create_index("ix_conversations_unanswered_due", ["unanswered_due_at"], unique=False)

    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unanswered_after_seconds", sa.Integer(), nullable=False, server_default="120"))


def downgrade() -> None:
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.drop_column("unanswered_after_seconds")

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_index("ix_conversations_unanswered_due")
        batch_op.drop_column("email_requested_at")
        batch_op.drop_column("unanswered_at")
        batch_op.drop_column("unanswered_due_at")

    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.alter_column("user_id", existing_type=sa.INTEGER(), nullable=False)
