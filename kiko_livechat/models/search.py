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


def is_modelled(obj, name: str | None, type_: str, reflected: bool, compare_to) -> bool:
    """Alembic's include_object: everything but the search index and FTS5's own tables."""
    if type_ == "table" and name and name.startswith(SQLITE_TABLE):
        return False
    return not (type_ == "index" and name == POSTGRES_INDEX)
