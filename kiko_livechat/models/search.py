"""The message search index, which lives beside the tables rather than in them: on SQLite an
FTS5 table kept in sync by triggers on `messages`, on PostgreSQL a GIN index over the message's
words ('simple' configuration: no stemming, so German and English match alike). Migration 0012
creates both; services/search.py queries them. SQLModel's metadata does not describe them, so
the comparison of models and migrations leaves them out (`is_modelled`)."""

# SQLite: an external-content FTS5 table over messages.content (rowid = messages.id).
SQLITE_TABLE = "messages_search"
SQLITE_TRIGGERS = ("messages_search_insert", "messages_search_delete", "messages_search_update")
# PostgreSQL: an expression index; a query must use exactly this expression to use it.
POSTGRES_INDEX = "ix_messages_content_search"
POSTGRES_VECTOR = "to_tsvector('simple', content)"


# Contacts by e-mail whatever its case (an import's and the widget's lookups), migration 0014:
# an expression index as well, which Alembic cannot compare with a model.
CONTACT_EMAIL_INDEX = "ix_contacts_account_email_lower"
_EXPRESSION_INDEXES = frozenset({POSTGRES_INDEX, CONTACT_EMAIL_INDEX})


def is_modelled(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's include_object: everything but the expression indexes and FTS5's own tables."""
    if type_ == "table" and name and name.startswith(SQLITE_TABLE):
        return False
    return not (type_ == "index" and name in _EXPRESSION_INDEXES)
