"""The operator's console: customer accounts, their plan and whether live chat is switched on.

Every function takes an OperatorActor, which only auth.resolve_operator hands out (a super
admin's console session); agents and account administrators never get one.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, func, select

from kiko_livechat.models import Account, AccountUser, Plan, Role
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import entitlement, invitations, provisioning
from kiko_livechat.services.actor import OperatorActor
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.scoping import valid_id
from kiko_livechat.services.validation import choice

ACTIVE = "active"


@dataclass(frozen=True)
class AccountRow:
    account_id: int
    name: str
    locale: str
    plan: str
    trial_ends_at: datetime | None
    livechat_active: bool
    # ACTIVE, or why no new conversations are taken (entitlement.INACTIVE / TRIAL_EXPIRED).
    state: str
    members: int
    created_at: datetime


def list_accounts(session: Session, *, operator: OperatorActor, now: datetime | None = None) -> list[AccountRow]:
    """Every customer account, newest first, with its member count."""
    now = now or utcnow()
    members = (
        select(AccountUser.account_id, func.count(AccountUser.id).label("n"))
        .where(AccountUser.is_active)
        .group_by(AccountUser.account_id)
        .subquery()
    )
    rows = session.exec(
        select(Account, members.c.n)
        .outerjoin(members, members.c.account_id == Account.id)
        .order_by(Account.created_at.desc(), Account.id.desc())
    ).all()
    return [
        AccountRow(
            account_id=account.id,
            name=account.name,
            locale=account.locale,
            plan=account.plan,
            trial_ends_at=account.trial_ends_at,
            livechat_active=account.livechat_active,
            state=entitlement.block_reason(account, now) or ACTIVE,
            members=count or 0,
            created_at=account.created_at,
        )
        for account, count in rows
    ]


def create_customer_account(
    session: Session,
    *,
    operator: OperatorActor,
    name: object,
    locale: object,
    plan: object,
    admin_email: object,
    admin_name: object,
    now: datetime | None = None,
) -> invitations.CreatedInvitation:
    """A new account and the invitation of its first administrator (the link to pass on).

    Errors about the administrator name the fields `admin_name` / `admin_email`.
    """
    now = now or utcnow()
    account = provisioning.create_account(session, name=name, locale=locale, plan=plan, now=now)
    try:
        created = invitations.create_invitation(
            session,
            account_id=account.id,
            email=admin_email,
            name=admin_name,
            role=Role.ADMINISTRATOR,
            invited_by_id=operator.user_id,
            now=now,
        )
    except ValidationFailed as error:
        session.rollback()
        raise ValidationFailed(error.code, field=f"admin_{error.field}", **error.params) from error
    session.commit()
    return created


def invite_administrator(
    session: Session, *, operator: OperatorActor, account_id: object, email: object, name: object
) -> invitations.CreatedInvitation:
    """A further administrator's invitation (e.g. the first link was lost or expired)."""
    account = _account(session, account_id)
    created = invitations.create_invitation(
        session, account_id=account.id, email=email, name=name, role=Role.ADMINISTRATOR, invited_by_id=operator.user_id
    )
    session.commit()
    return created


def set_livechat_active(session: Session, *, operator: OperatorActor, account_id: object, active: bool) -> None:
    """Switch live chat on or off for a customer (support request)."""
    account = _account(session, account_id)
    account.livechat_active = bool(active)
    session.add(account)
    session.commit()


def set_plan(
    session: Session, *, operator: OperatorActor, account_id: object, plan: object, now: datetime | None = None
) -> None:
    """Starter, or a fresh 14-day trial from now."""
    account = _account(session, account_id)
    account.plan = choice(plan, Plan, field="plan")
    now = now or utcnow()
    account.trial_ends_at = now + timedelta(days=provisioning.TRIAL_DAYS) if account.plan == Plan.TRIAL else None
    session.add(account)
    session.commit()


def _account(session: Session, account_id: object) -> Account:
    account = session.get(Account, account_id) if valid_id(account_id) else None
    if account is None:
        raise NotFound()
    return account
