"""Demo data: `python -m kiko_livechat.seed` creates "Kiko Demo GmbH" once and prints its logins.

Passwords and the API token are random, made on first run and kept in a local file (mode 600,
git-ignored) so that later runs print the same logins.
"""

import json
import os
import secrets
import sys

from sqlmodel import Session, select

from kiko_livechat.db import get_engine, session_scope
from kiko_livechat.models import Account, ChannelType, Plan, Role, Team, TeamMember
from kiko_livechat.services import provisioning
from kiko_livechat.settings import get_settings

DEMO_ACCOUNT = "Kiko Demo GmbH"
DEMO_DOMAIN = "kiko.demo"  # not a real TLD: demo mail can never reach anyone
DEMO_PEOPLE = (
    ("admin", "Anna Admin", Role.ADMINISTRATOR),
    ("ben", "Ben Berger", Role.AGENT),
    ("clara", "Clara Chen", Role.AGENT),
)


def seed_demo(session: Session) -> dict | None:
    """Create the demo account with its people and inboxes; None if it exists already."""
    if session.exec(select(Account.id).where(Account.name == DEMO_ACCOUNT)).first() is not None:
        return None
    account = provisioning.create_account(session, name=DEMO_ACCOUNT, locale="de", plan=Plan.TRIAL)
    account.livechat_active = True
    logins = []
    user_ids = []
    for local_part, name, role in DEMO_PEOPLE:
        password = secrets.token_urlsafe(9)
        email = f"{local_part}@{DEMO_DOMAIN}"
        user = provisioning.create_user(
            session, account_id=account.id, email=email, name=name, password=password, role=role
        )
        user_ids.append(user.id)
        logins.append({"email": email, "password": password, "role": role.value, "name": name})
    web = provisioning.create_inbox(
        session,
        account_id=account.id,
        name="Website",
        channel_type=ChannelType.WEB_WIDGET,
        greeting="Hallo! Wie können wir helfen?",
        agent_ids=tuple(user_ids),
    )
    api = provisioning.create_inbox(
        session, account_id=account.id, name="Kiko Bot", channel_type=ChannelType.API, agent_ids=tuple(user_ids)
    )
    # Ben and Clara form the first-level support team.
    team = Team(account_id=account.id, name="Support", description="Erste Hilfe für Website-Besucher")
    session.add(team)
    session.flush()
    for user_id in user_ids[1:]:
        session.add(TeamMember(account_id=account.id, team_id=team.id, user_id=user_id))
    operator_password = secrets.token_urlsafe(9)
    operator_email = f"operator@{DEMO_DOMAIN}"
    provisioning.create_operator(session, email=operator_email, name="Kiko Operator", password=operator_password)
    return {
        "operator": {"email": operator_email, "password": operator_password},
        "account": DEMO_ACCOUNT,
        "account_id": account.id,
        "logins": logins,
        "web_inbox_token": web.inbox.public_token,
        "api_inbox_id": api.inbox.id,
        "api_token": api.api_token,
    }


def describe(demo: dict, base_url: str) -> str:
    lines = [f"Kiko Livechat runs at {base_url}", f"Demo account: {demo['account']} (id {demo['account_id']})"]
    lines += [f"  {p['role']:<13} {p['email']:<32} password: {p['password']}" for p in demo["logins"]]
    lines.append(f"  API inbox {demo['api_inbox_id']} bot token (header api_access_token): {demo['api_token']}")
    lines.append(f"  Web widget inbox token: {demo['web_inbox_token']}")
    operator = demo["operator"]
    lines.append(f"Operator console {base_url}/admin  {operator['email']}  password: {operator['password']}")
    return "\n".join(lines)


def main() -> int:
    settings = get_settings()
    path = settings.demo_logins_file
    with session_scope(get_engine()) as session:
        demo = seed_demo(session)
    if demo is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(demo, handle, indent=2)
    elif path.exists():
        demo = json.loads(path.read_text())
    else:
        print(f"The demo account exists, but its logins file {path} is gone.", file=sys.stderr)
        return 1
    print(describe(demo, settings.base_url))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
