"""An index that answers the conversation counts per assignee on its own (the API's list meta):
counting a status's conversations by assignee, inbox and team reads the index, not the table.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_conversations_counts",
        "conversations",
        ["account_id", "status", "assignee_id", "inbox_id", "team_id"],
    )


def downgrade() -> None:
    op.drop_index("ix_conversations_counts", table_name="conversations")
