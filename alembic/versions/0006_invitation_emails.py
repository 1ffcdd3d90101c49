"""Invitation e-mails: they go through the alert e-mail queue (which holds the link's token
until sent), and an invitation remembers the invitee's language.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 10:00:00.000000
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.alter_column("conversation_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.add_column(sa.Column("invitation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("invitation_token", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_alert_emails_invitation_id"), ["invitation_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_emails_invitation_id_invitations"),
            "invitations",
            ["invitation_id"],
            ["id"],
            ondelete="CASCADE",
        )

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_column("locale")

    # Invitation e-mails have no conversation: they cannot stay in the older table.
    op.execute("DELETE FROM alert_emails WHERE conversation_id IS NULL")
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alert_emails_invitation_id_invitations"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alert_emails_invitation_id"))
        batch_op.drop_column("invitation_token")
        batch_op.drop_column("invitation_id")
        batch_op.alter_column("conversation_id", existing_type=sa.INTEGER(), nullable=False)
