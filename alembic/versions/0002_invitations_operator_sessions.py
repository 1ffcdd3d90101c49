"""invitations, operator sessions, unique inbox names

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 01:23:03.964547
"""

import sqlalchemy as sa
import sqlmodel

import kiko_livechat.models.base
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("email", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("role", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("token_hash", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("invited_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.Column("expires_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.Column("accepted_at", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.Column("revoked_at", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_invitations_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_id"], ["users.id"], name=op.f("fk_invitations_invited_by_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invitations_token_hash")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invitations_account_id"), ["account_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_invitations_email"), ["email"], unique=False)

    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        # Every session that exists already is an agent's dashboard session.
        batch_op.add_column(
            sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False, server_default="agent")
        )
        batch_op.alter_column("account_id", existing_type=sa.INTEGER(), nullable=True)

    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.create_unique_constraint(batch_op.f("uq_inboxes_account_id_name"), ["account_id", "name"])


def downgrade() -> None:
    # Operator sessions have no account and cannot exist in the old schema.
    op.execute("DELETE FROM auth_sessions WHERE account_id IS NULL")
    with op.batch_alter_table("inboxes", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_inboxes_account_id_name"), type_="unique")

    with op.batch_alter_table("auth_sessions", schema=None) as batch_op:
        batch_op.alter_column("account_id", existing_type=sa.INTEGER(), nullable=False)
        batch_op.drop_column("kind")

    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_email"))
        batch_op.drop_index(batch_op.f("ix_invitations_account_id"))

    op.drop_table("invitations")
