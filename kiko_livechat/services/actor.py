"""Who is acting: the logged-in user in the account of their session."""

from dataclasses import dataclass

from kiko_livechat.models import Role
from kiko_livechat.services.errors import PermissionDenied

BOT = "bot"


@dataclass(frozen=True)
class Actor:
    user_id: int
    account_id: int
    role: str
    session_id: int
    is_super_admin: bool = False
    # The API inbox whose bot token is acting (role BOT): it reaches only that inbox.
    bot_inbox_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMINISTRATOR

    @property
    def is_bot(self) -> bool:
        return self.role == BOT

    @property
    def sees_agent_emails(self) -> bool:
        """A bot knows agents by name: their addresses are for the people of the account (a bot
        token sits in a customer's chatbot, outside the account's people)."""
        return not self.is_bot

    def require_admin(self) -> None:
        """Refuse unless the actor administers their current account."""
        if not self.is_admin:
            raise PermissionDenied("error.admin_only")


@dataclass(frozen=True)
class OperatorActor:
    """The operator (super admin) in the accounts console; acts across accounts, in none."""

    user_id: int
    session_id: int
