"""Settings > Agents: the account's people, invitations, roles, deactivation (administrators)."""

import reflex as rx

from kiko_livechat.i18n import format_datetime, translate
from kiko_livechat.i18n.aliases import display_name
from kiko_livechat.services import agents, invitations, mail
from kiko_livechat.services.errors import PermissionDenied, ServiceError
from kiko_livechat.state.forms import FormFeedback, as_id
from kiko_livechat.state.session import SessionState, signed_in_only

# The choice in the deactivation dialog that releases the conversations instead of moving them.
UNASSIGN = "unassign"


class InvitationLinkShown(rx.State, mixin=True):
    """An invitation link just issued, to copy, and whether it also went out by e-mail."""

    link: str = ""
    _link_email: str = ""
    _link_emailed: bool = False

    def _show_link(self, created: invitations.CreatedInvitation | None) -> None:
        self.link = created.link if created else ""
        self._link_email = created.email if created else ""
        self._link_emailed = created.emailed if created else False


def _link_hint(locale: str, emailed_key: str, email: str, emailed: bool) -> str:
    """`emailed_key` when the e-mail is on its way, else the request to pass the link on."""
    return translate(locale, emailed_key, email=email) if emailed else translate(locale, "agents.invite.no_email")


class AgentsState(InvitationLinkShown, FormFeedback, SessionState):
    """The list and the per-row actions; errors of row actions show above the list. The link
    of an invitation sent again shows there too."""

    allowed: bool = True
    # Whether invitations go out by e-mail here (an SMTP server is configured).
    email_enabled: bool = False
    _agents: list[dict] = []
    _invitations: list[dict] = []

    @rx.var
    def link_hint(self) -> str:
        return _link_hint(self.locale, "agents.invitations.resent", self._link_email, self._link_emailed)

    @rx.var
    def agents(self) -> list[dict[str, str]]:
        return [
            {**row, "last_seen": format_datetime(row["last_seen_at"], self.locale) if row["last_seen_at"] else ""}
            for row in self._agents
        ]

    @rx.var
    def invitations(self) -> list[dict[str, str]]:
        return [{**row, "expires": format_datetime(row["expires_at"], self.locale)} for row in self._invitations]

    @rx.var
    def successors(self) -> list[dict[str, str]]:
        """Active members who can take over someone's conversations."""
        return [{"id": row["id"], "name": row["name"]} for row in self._agents if row["active"]]

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        self._show_link(None)
        self._reload()

    def _reload(self) -> None:
        try:
            with self._as_actor() as (db, actor):
                people = agents.list_agents(db, actor=actor)
                pending = invitations.list_invitations(db, actor=actor)
        except PermissionDenied:
            self.allowed = False
            return
        self.allowed = True
        self.email_enabled = mail.email_enabled()
        self._agents = [
            {
                "id": str(p.user_id),
                "name": p.name,
                "email": p.email,
                "role": p.role,
                "availability": p.availability,
                "last_seen_at": p.last_seen_at,
                "active": p.is_active,
                "is_self": p.user_id == actor.user_id,
            }
            for p in people
        ]
        self._invitations = [
            {
                "id": str(i.invitation_id),
                "email": i.email,
                "name": i.name,
                "role": i.role,
                "expires_at": i.expires_at,
                "mail_status": i.mail_status,
            }
            for i in pending
        ]

    async def _act(self, change) -> None:
        """Run one row action, then show the fresh list (or the translated refusal)."""
        self._clear_feedback()
        self._show_link(None)
        with self._reporting(), self._as_actor() as (db, actor):
            change(db, actor)
        self._reload()

    @rx.event
    @signed_in_only
    async def change_role(self, user_id: str, role: str):
        await self._act(lambda db, actor: agents.change_role(db, actor=actor, user_id=as_id(user_id), role=role))

    @rx.event
    @signed_in_only
    async def reactivate(self, user_id: str):
        await self._act(lambda db, actor: agents.reactivate_agent(db, actor=actor, user_id=as_id(user_id)))

    @rx.event
    @signed_in_only
    async def revoke_invitation(self, invitation_id: str):
        await self._act(
            lambda db, actor: invitations.revoke_invitation(db, actor=actor, invitation_id=as_id(invitation_id))
        )

    @rx.event
    @signed_in_only
    async def resend_invitation(self, invitation_id: str):
        """E-mail the invitation again (with a new link, shown here to copy as well)."""
        self._clear_feedback()
        self._show_link(None)
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            created = invitations.resend_invitation(db, actor=actor, invitation_id=as_id(invitation_id))
        if not outcome.refused:
            self._show_link(created)
            # A link still shown in the invite form may be the one this replaced.
            form = await self.get_state(InviteFormState)
            form._show_link(None)
            form._clear_feedback()
        self._reload()


class InviteFormState(InvitationLinkShown, FormFeedback, SessionState):
    """The invitation form; the new link shows to copy, and says whether it was e-mailed."""

    @rx.var
    def link_hint(self) -> str:
        return _link_hint(self.locale, "agents.invite.emailed", self._link_email, self._link_emailed)

    @rx.event
    @signed_in_only
    async def invite(self, form_data: dict):
        self._clear_feedback()
        self._show_link(None)
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            created = invitations.invite_agent(
                db,
                actor=actor,
                email=form_data.get("email"),
                name=form_data.get("name"),
                role=form_data.get("role") or "agent",
                locale=form_data.get("locale") or None,
            )
        if outcome.refused:
            return None
        self._show_link(created)
        self._succeed("agents.invite.created")
        listing = await self.get_state(AgentsState)
        listing._reload()
        return rx.set_value("invite-email", "")


class DeactivateState(FormFeedback, SessionState):
    """The deactivation dialog: whose conversations go where, decided before anything changes."""

    open: bool = False
    user_id: str = ""
    user_name: str = ""
    conversations: list[dict[str, str]] = []

    @rx.event
    @signed_in_only
    async def start(self, user_id: str):
        self._clear_feedback()
        with self._as_actor() as (db, actor):
            try:
                assigned = agents.open_conversations(db, actor=actor, user_id=as_id(user_id))
            except ServiceError as error:
                self._fail(error)
                return
        listing = await self.get_state(AgentsState)
        self.user_name = next((row["name"] for row in listing._agents if row["id"] == user_id), "")
        self.user_id = user_id
        self.conversations = [
            {
                "display_id": str(c.display_id),
                "contact": display_name(c.contact_name, c.alias_key, self.locale),
                "inbox": c.inbox_name,
                "status": c.status,
            }
            for c in assigned
        ]
        self.open = True

    @rx.event
    @signed_in_only
    async def cancel(self):
        self._check_session()
        self.open = False
        self._clear_feedback()

    @rx.event
    @signed_in_only
    async def confirm(self, form_data: dict):
        self._clear_feedback()
        choice = form_data.get("reassign_to") or ""
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            agents.deactivate_agent(
                db,
                actor=actor,
                user_id=as_id(self.user_id),
                reassign_to_id=as_id(choice),
                unassign=choice == UNASSIGN,
            )
        if outcome.refused:
            return
        self.open = False
        listing = await self.get_state(AgentsState)
        listing._clear_feedback()
        listing._reload()
