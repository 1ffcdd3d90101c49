"""contact imports: a CSV file's rows imported in batches by a worker, resumable, with the rows
it rejected and why

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
import sqlmodel

import kiko_livechat.models.base
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("file_name", sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
        sa.Column("storage_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("encoding", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column("delimiter", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("columns", sa.JSON(), nullable=False),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("region", sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
        sa.Column("total_rows", sa.Integer(), nullable=False),
        sa.Column("processed_rows", sa.Integer(), nullable=False),
        sa.Column("created_count", sa.Integer(), nullable=False),
        sa.Column("updated_count", sa.Integer(), nullable=False),
        sa.Column("unchanged_count", sa.Integer(), nullable=False),
        sa.Column("rejected_count", sa.Integer(), nullable=False),
        sa.Column("rejected_key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
        sa.Column("error", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
        sa.Column("lease_until", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_at", kiko_livechat.models.base.UTCDateTime(), nullable=False),
        sa.Column("started_at", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.Column("finished_at", kiko_livechat.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_contact_imports_account_id_accounts"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_contact_imports_user_id_users"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_imports")),
    )
    with op.batch_alter_table("contact_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_imports_account_id"), ["account_id"], unique=False)
        batch_op.create_index("ix_contact_imports_status", ["status", "lease_until"], unique=False)

    op.create_table(
        "contact_import_rejections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("reason", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["contact_imports.id"],
            name=op.f("fk_contact_import_rejections_import_id_contact_imports"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_import_rejections")),
    )
    with op.batch_alter_table("contact_import_rejections", schema=None) as batch_op:
        batch_op.create_index("ix_contact_import_rejections_line", ["import_id", "line"], unique=False)

    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.add_column(sa.Column("import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_alert_emails_import_id_contact_imports"),
            "contact_imports",
            ["import_id"],
            ["id"],
            ondelete="CASCADE",
        )

    # Contacts by e-mail whatever its case: an import looks up a thousand at a time (a scan of
    # the account's contacts per batch otherwise; models/search.CONTACT_EMAIL_INDEX).
    op.execute("CREATE INDEX ix_contacts_account_email_lower ON contacts (account_id, lower(email))")


def downgrade() -> None:
    op.execute("DROP INDEX ix_contacts_account_email_lower")
    with op.batch_alter_table("alert_emails", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alert_emails_import_id_contact_imports"), type_="foreignkey")
        batch_op.drop_column("import_id")
    with op.batch_alter_table("contact_import_rejections", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_import_rejections_line")

    op.drop_table("contact_import_rejections")
    with op.batch_alter_table("contact_imports", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_imports_status")
        batch_op.drop_index(batch_op.f("ix_contact_imports_account_id"))

    op.drop_table("contact_imports")
