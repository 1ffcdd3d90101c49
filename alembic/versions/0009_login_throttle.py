"""Failed logins slow down instead of locking: the throttle rows hold a client address's or an
account's recent failures (the lockout columns go), and the e-mail queue carries login warnings,
which belong to no account and name the address the failures came from.

The throttle rows are short-lived counters: they are dropped, not converted.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
import sqlmodel

import kiko_livechat.models.base
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("login_throttles")
    op.create_table(
        "login_throttles",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.Column("owner_warned", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    op.create_index(op.f("ix_login_throttles_last_failure_at"), "login_throttles", ["last_failure_at"])
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.alter_column("account_id", existing_type=sa.INTEGER(), nullable=True)
        batch_op.add_column(sa.Column("client_address", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True))


def downgrade() -> None:
    # Login warnings have no account: they cannot stay in the older table.
    op.execute("DELETE FROM alert_emails WHERE account_id IS NULL")
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.drop_column("client_address")
        batch_op.alter_column("account_id", existing_type=sa.INTEGER(), nullable=False)
    op.drop_index(op.f("ix_login_throttles_last_failure_at"), table_name="login_throttles")
    op.drop_table("login_throttles")
    op.create_table(
        "login_throttles",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=254), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_failure_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.Column("locked_until", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
