"""Whether an account may receive new conversations: live chat activated by the operator and,
on a trial, the trial not yet over. The one place that decides it."""

from datetime import datetime

from kiko_livechat.models import Account, Plan
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.errors import ServiceError

INACTIVE = "inactive"
TRIAL_EXPIRED = "trial_expired"


class AccountBlocked(ServiceError):
    """The account cannot take new conversations; `code` says why (for visitors, the bot and agents)."""


def block_reason(account: Account, now: datetime | None = None) -> str | None:
    """None when the account may receive conversations, else INACTIVE or TRIAL_EXPIRED."""
    now = now or utcnow()
    if not account.livechat_active:
        return INACTIVE
    if account.plan == Plan.TRIAL and account.trial_ends_at is not None and account.trial_ends_at <= now:
        return TRIAL_EXPIRED
    return None


def require_receiving(account: Account, now: datetime | None = None) -> None:
    """Refuse a new conversation for a deactivated account or an expired trial."""
    reason = block_reason(account, now)
    if reason is not None:
        raise AccountBlocked(f"account.blocked.{reason}")
