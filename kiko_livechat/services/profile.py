"""What the logged-in user sees of themselves and their account, and the settings they change."""

from dataclasses import dataclass

from sqlmodel import Session, select

from kiko_livechat.models import Account, AccountUser, Availability, User
from kiko_livechat.services import changes, entitlement, presence
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.services.validation import choice, clean_locale, clean_name


@dataclass(frozen=True)
class MembershipView:
    account_id: int
    account_name: str
    role: str


@dataclass(frozen=True)
class ProfileView:
    user_id: int
    name: str
    email: str
    # The user's own choice; None means "use the account's language".
    locale_choice: str | None
    locale: str
    availability: str
    account_id: int
    account_name: str
    account_locale: str
    role: str
    is_super_admin: bool
    memberships: tuple[MembershipView, ...]
    # Why the account takes no new conversations (entitlement.INACTIVE / TRIAL_EXPIRED), or None.
    account_blocked: str | None = None


def get_profile(session: Session, *, actor: Actor) -> ProfileView:
    """The actor's own data, their current account and the accounts they can switch to."""
    user = session.get(User, actor.user_id)
    account = session.get(Account, actor.account_id)
    if user is None or account is None:
        raise AuthFailed("auth.session_invalid")
    memberships = session.exec(
        select(AccountUser, Account)
        .join(Account, Account.id == AccountUser.account_id)
        .where(AccountUser.user_id == user.id, AccountUser.is_active)
        .order_by(Account.name)
    ).all()
    return ProfileView(
        user_id=user.id,
        name=user.name,
        email=user.email,
        locale_choice=user.locale,
        locale=user.locale or account.locale,
        availability=user.availability,
        account_id=account.id,
        account_name=account.name,
        account_locale=account.locale,
        role=actor.role,
        is_super_admin=user.is_super_admin,
        memberships=tuple(
            MembershipView(account_id=acc.id, account_name=acc.name, role=member.role) for member, acc in memberships
        ),
        account_blocked=entitlement.block_reason(account),
    )


def update_profile(session: Session, *, actor: Actor, name: object, locale: object) -> ProfileView:
    """Change the actor's own name and language ("" for the account's language)."""
    clean = clean_name(name)
    chosen = clean_locale(locale, allow_empty=True)
    user = session.get(User, actor.user_id)
    user.name = clean
    user.locale = chosen
    session.add(user)
    session.commit()
    return get_profile(session, actor=actor)


def set_locale(session: Session, *, actor: Actor, locale: object) -> ProfileView:
    """Change only the actor's language (the quick switch in the top bar)."""
    chosen = clean_locale(locale)
    user = session.get(User, actor.user_id)
    user.locale = chosen
    session.add(user)
    session.commit()
    return get_profile(session, actor=actor)


def set_availability(session: Session, *, actor: Actor, availability: object) -> ProfileView:
    """Mark the actor online, busy or offline; the visitors of their inboxes hear whether anybody
    is online there now."""
    value = choice(availability, Availability, field="availability")
    user = session.get(User, actor.user_id)
    changed = user.availability != value
    user.availability = value
    session.add(user)
    if changed:
        session.flush()
        presence.announce(session, account_id=actor.account_id, user_id=actor.user_id)
    changes.commit(session)
    return get_profile(session, actor=actor)


def update_account(session: Session, *, actor: Actor, name: object, locale: object) -> ProfileView:
    """Rename the actor's account and set its default language (administrators only)."""
    actor.require_admin()
    clean = clean_name(name)
    chosen = clean_locale(locale)
    account = session.get(Account, actor.account_id)
    account.name = clean
    account.locale = chosen
    session.add(account)
    session.commit()
    return get_profile(session, actor=actor)
