"""An active account with a bot (API inbox), one contact and one conversation of it: what the
API edge tests send their odd requests at."""

from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.services import api_access, api_chat, contacts, inboxes
from tests import factories


def bot_conversation(app_db):
    """(account, the created API inbox with its token, the conversation)."""
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Bot")
        actor = api_access.resolve_api_token(db, token=created.api_token)
        contacts.create_contact(db, actor=actor, name="Erika", inbox_id=created.inbox.inbox_id, source_id="s")
        conv = api_chat.create_conversation(db, actor=actor, inbox_id=created.inbox.inbox_id, source_id="s")
    return acc, created, conv
