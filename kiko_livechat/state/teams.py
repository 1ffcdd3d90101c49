"""Settings > Teams: administrators manage teams and their members; agents see their own teams."""

import dataclasses
from collections.abc import Callable

import reflex as rx
from sqlmodel import Session

from kiko_livechat.services import agents, teams
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.teams import TeamView
from kiko_livechat.state.forms import FormFeedback, as_id, form_flag
from kiko_livechat.state.session import SessionState, signed_in_only


@dataclasses.dataclass(frozen=True)
class Person:
    id: str
    name: str


@dataclasses.dataclass(frozen=True)
class TeamRow:
    id: str
    name: str
    description: str
    allow_auto_assign: bool
    members: list[Person]
    # Active agents of the account who are not in the team yet (empty for agents, who cannot add).
    candidates: list[Person]


def active_people(db: Session, actor: Actor) -> list[Person]:
    """Active members of the account: whom an administrator can put into a team or an inbox."""
    return [Person(id=str(a.user_id), name=a.name) for a in agents.list_agents(db, actor=actor) if a.is_active]


def _team_row(view: TeamView, people: list[Person]) -> TeamRow:
    member_ids = {m.user_id for m in view.members}
    return TeamRow(
        id=str(view.team_id),
        name=view.name,
        description=view.description,
        allow_auto_assign=view.allow_auto_assign,
        members=[Person(id=str(m.user_id), name=m.name) for m in view.members],
        candidates=[p for p in people if int(p.id) not in member_ids],
    )


class TeamsState(FormFeedback, SessionState):
    """The list and its row actions (members, deletion); a refusal shows in the card of its team."""

    teams: list[TeamRow] = []
    # The team whose action was refused last ("" when none was); its card shows the error.
    failed_team: str = ""

    def _clear_feedback(self) -> None:
        super()._clear_feedback()
        self.failed_team = ""

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        self._reload()

    def _reload(self) -> None:
        with self._as_actor() as (db, actor):
            views = teams.list_teams(db, actor=actor)
            people = active_people(db, actor) if actor.is_admin else []
        self.teams = [_team_row(view, people) for view in views]

    async def _act(self, team_ref: object, change: Callable[[Session, Actor], object]) -> None:
        """Run one action on a team, then show the fresh list (or the translated refusal in its card)."""
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            change(db, actor)
        if outcome.refused:
            # A card has no fields: whatever the refusal is about, it is shown as the card's message.
            self._errors = {"": self._errors.popitem()[1]}
            self.failed_team = team_ref if isinstance(team_ref, str) else ""
        self._reload()

    @rx.event
    @signed_in_only
    async def add_member(self, form_data: dict):
        """The per-team "add member" form: the chosen agent (`user_id`) joins the team (`team_id`)."""
        team_ref, user_ref = form_data.get("team_id"), form_data.get("user_id")

        def change(db: Session, actor: Actor) -> None:
            if not user_ref:  # submitted without choosing anyone in the select
                raise ValidationFailed("error.invalid_choice")
            teams.add_team_member(db, actor=actor, team_id=as_id(team_ref), user_id=as_id(user_ref))

        await self._act(team_ref, change)

    @rx.event
    @signed_in_only
    async def remove_member(self, team_ref: str, user_ref: str):
        await self._act(
            team_ref,
            lambda db, actor: teams.remove_team_member(
                db, actor=actor, team_id=as_id(team_ref), user_id=as_id(user_ref)
            ),
        )

    @rx.event
    @signed_in_only
    async def delete(self, team_ref: str):
        await self._act(team_ref, lambda db, actor: teams.delete_team(db, actor=actor, team_id=as_id(team_ref)))


class TeamCreateState(FormFeedback, SessionState):
    """The form for a new team."""

    # Counts created teams; the form is keyed on it, so it re-mounts empty after each one.
    created_count: int = 0

    @rx.event
    @signed_in_only
    async def create(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            teams.create_team(
                db,
                actor=actor,
                name=form_data.get("name"),
                description=form_data.get("description", ""),
                allow_auto_assign=form_flag(form_data, "allow_auto_assign"),
            )
        if outcome.refused:
            return None
        self._succeed("teams.created")
        self.created_count += 1
        listing = await self.get_state(TeamsState)
        listing._clear_feedback()
        listing._reload()
        return None


class TeamEditState(FormFeedback, SessionState):
    """The edit dialog of one team: its name, description and auto-assignment."""

    open: bool = False
    team_ref: str = ""
    team_name: str = ""
    team_description: str = ""
    allow_auto_assign: bool = True

    @rx.event
    @signed_in_only
    async def start(self, team_ref: str):
        """Open the dialog with the team as it is stored now (not as the list last showed it)."""
        self._clear_feedback()
        with self._as_actor() as (db, actor):
            views = teams.list_teams(db, actor=actor) if actor.is_admin else []
        view = next((v for v in views if str(v.team_id) == team_ref), None)
        if view is None:  # deleted meanwhile (or not the administrator's to edit): show the list as it is
            listing = await self.get_state(TeamsState)
            listing._reload()
            return
        self.team_ref = team_ref
        self.team_name = view.name
        self.team_description = view.description
        self.allow_auto_assign = view.allow_auto_assign
        self.open = True

    @rx.event
    @signed_in_only
    async def close(self):
        """Cancel button, Escape or a click outside: close without saving."""
        self._check_session()
        self.open = False
        self._clear_feedback()

    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            teams.update_team(
                db,
                actor=actor,
                team_id=as_id(self.team_ref),
                name=form_data.get("name"),
                description=form_data.get("description", ""),
                allow_auto_assign=form_flag(form_data, "allow_auto_assign"),
            )
        if outcome.refused:
            return
        self.open = False
        listing = await self.get_state(TeamsState)
        listing._clear_feedback()
        listing._reload()
