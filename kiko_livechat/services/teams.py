"""Teams of agents: administrators manage them; agents see the teams they belong to."""

from dataclasses import dataclass

from sqlmodel import Session, select

from kiko_livechat.models import Team, TeamMember, User
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import NotFound
from kiko_livechat.services.provisioning import active_member_ids
from kiko_livechat.services.scoping import get_in_account, require_unique_name, valid_id
from kiko_livechat.services.validation import clean_name, clean_text

DESCRIPTION_MAX = 500


@dataclass(frozen=True)
class TeamMemberView:
    user_id: int
    name: str


@dataclass(frozen=True)
class TeamView:
    team_id: int
    name: str
    description: str
    allow_auto_assign: bool
    members: tuple[TeamMemberView, ...]


def list_teams(session: Session, *, actor: Actor) -> list[TeamView]:
    """All teams for administrators; for an agent, the teams they are a member of."""
    query = select(Team).where(Team.account_id == actor.account_id).order_by(Team.name, Team.id)
    if not actor.is_admin:
        query = query.join(TeamMember, TeamMember.team_id == Team.id).where(TeamMember.user_id == actor.user_id)
    teams = session.exec(query).all()
    members: dict[int, list[TeamMemberView]] = {team.id: [] for team in teams}
    if teams:
        rows = session.exec(
            select(TeamMember.team_id, User.id, User.name)
            .join(User, User.id == TeamMember.user_id)
            .where(TeamMember.team_id.in_(members.keys()))
            .order_by(User.name, User.id)
        ).all()
        for team_id, user_id, name in rows:
            members[team_id].append(TeamMemberView(user_id=user_id, name=name))
    return [
        TeamView(
            team_id=team.id,
            name=team.name,
            description=team.description,
            allow_auto_assign=team.allow_auto_assign,
            members=tuple(members[team.id]),
        )
        for team in teams
    ]


def create_team(
    session: Session, *, actor: Actor, name: object, description: object = "", allow_auto_assign: object = True
) -> int:
    """A new team of the actor's account; returns its id (administrators only)."""
    actor.require_admin()
    clean = clean_name(name)
    text = clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    require_unique_name(session, Team, account_id=actor.account_id, name=clean)
    team = Team(account_id=actor.account_id, name=clean, description=text, allow_auto_assign=bool(allow_auto_assign))
    session.add(team)
    session.commit()
    return team.id


def update_team(
    session: Session, *, actor: Actor, team_id: object, name: object, description: object, allow_auto_assign: object
) -> None:
    """Rename, describe, switch auto-assignment (administrators only)."""
    actor.require_admin()
    team = get_in_account(session, Team, account_id=actor.account_id, obj_id=team_id)
    clean = clean_name(name)
    text = clean_text(description, field="description", max_length=DESCRIPTION_MAX)
    require_unique_name(session, Team, account_id=actor.account_id, name=clean, except_id=team.id)
    team.name = clean
    team.description = text
    team.allow_auto_assign = bool(allow_auto_assign)
    session.add(team)
    session.commit()


def delete_team(session: Session, *, actor: Actor, team_id: object) -> None:
    """Remove a team; its conversations keep their assignee and lose only the team."""
    actor.require_admin()
    team = get_in_account(session, Team, account_id=actor.account_id, obj_id=team_id)
    session.delete(team)
    session.commit()


def add_team_member(session: Session, *, actor: Actor, team_id: object, user_id: object) -> None:
    """Put an active member of the account into the team (adding twice is harmless)."""
    actor.require_admin()
    team = get_in_account(session, Team, account_id=actor.account_id, obj_id=team_id)
    (member_id,) = active_member_ids(session, account_id=actor.account_id, user_ids=[user_id])
    exists = session.exec(
        select(TeamMember.id).where(TeamMember.team_id == team.id, TeamMember.user_id == member_id)
    ).first()
    if exists is None:
        session.add(TeamMember(account_id=actor.account_id, team_id=team.id, user_id=member_id))
        session.commit()


def remove_team_member(session: Session, *, actor: Actor, team_id: object, user_id: object) -> None:
    """Take someone out of the team (removing a non-member changes nothing)."""
    actor.require_admin()
    team = get_in_account(session, Team, account_id=actor.account_id, obj_id=team_id)
    if not valid_id(user_id):
        raise NotFound()
    row = session.exec(select(TeamMember).where(TeamMember.team_id == team.id, TeamMember.user_id == user_id)).first()
    if row is not None:
        session.delete(row)
        session.commit()
