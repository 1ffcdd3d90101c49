"""One alias per contact: a contact without a name goes by the same alias in the conversation
list, the conversation and the contact directory.

Existing contacts take the alias of their first conversation (the one agents saw first), and
all their conversations take it over; contacts without conversations get a new one.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
import sqlmodel

from alembic import op
from kiko_livechat.i18n.aliases import new_alias_key

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("alias_key", sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False, server_default="")
        )
    op.execute(
        """
        UPDATE contacts SET alias_key = (
            SELECT c.alias_key FROM conversations c WHERE c.contact_id = contacts.id
            ORDER BY c.created_at, c.id LIMIT 1)
        WHERE EXISTS (SELECT 1 FROM conversations c WHERE c.contact_id = contacts.id)
        """
    )
    connection = op.get_bind()
    for (contact_id,) in connection.execute(sa.text("SELECT id FROM contacts WHERE alias_key = ''")).all():
        connection.execute(
            sa.text("UPDATE contacts SET alias_key = :key WHERE id = :id"), {"key": new_alias_key(), "id": contact_id}
        )
    op.execute(
        "UPDATE conversations SET alias_key = "
        "(SELECT alias_key FROM contacts WHERE contacts.id = conversations.contact_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_column("alias_key")
