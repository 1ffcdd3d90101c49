"""Session handovers: the one-time tickets that move a new login session into the browser's
HttpOnly cookie (the token itself never reaches JavaScript).

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
import sqlmodel

import kiko_livechat.models.base
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "session_handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("sealed_token", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("expires_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_session_handovers")),
        sa.UniqueConstraint("ticket_hash", name=op.f("uq_session_handovers_ticket_hash")),
    )
    with op.batch_alter_table("session_handovers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_session_handovers_expires_at"), ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_table("session_handovers")
