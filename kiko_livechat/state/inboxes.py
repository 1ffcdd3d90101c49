"""Settings > Inboxes: the list, creating web widget and API inboxes, one inbox's settings
(administrators only; agents get a note, the services refuse them anyway)."""

import dataclasses

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.i18n import format_datetime, format_number, translate
from kiko_livechat.services import inboxes, webhooks
from kiko_livechat.services.errors import PermissionDenied, ServiceError
from kiko_livechat.services.file_types import CATEGORIES
from kiko_livechat.services.inboxes import InboxView
from kiko_livechat.state.forms import FormFeedback, as_id, form_flag
from kiko_livechat.state.routing import route_arg
from kiko_livechat.state.session import SessionState, signed_in_only
from kiko_livechat.state.teams import Person, active_people

# Each agent checkbox of an inbox form is named AGENT_FIELD + the agent's id (a form's data is
# a dict, so checkboxes sharing one name would keep only the last checked one).
AGENT_FIELD = "agent_"
# The form fields a web widget inbox has and an API inbox has not, and the other way round.
WEB_DEFAULTS = {"greeting": "", "widget_color": "#1f6feb", "allowed_domains": ""}


def _attempt_text(attempt: webhooks.AttemptLogRow, locale: str) -> str:
    """One attempt of a webhook delivery: its status code (or why there was none) and time."""
    if attempt.refused:
        return translate(locale, f"inboxes.delivery.refused.{attempt.refused}", address=attempt.address)
    code = str(attempt.status_code) if attempt.status_code else translate(locale, "inboxes.delivery.no_answer")
    return code if attempt.duration_ms is None else f"{code}, {format_number(attempt.duration_ms, locale)} ms"


def checked_agents(form_data: dict) -> list[str]:
    """The ids of the agents ticked in an inbox form (strings; the service checks each one)."""
    return [
        key.removeprefix(AGENT_FIELD) for key in form_data if key.startswith(AGENT_FIELD) and form_flag(form_data, key)
    ]


# One checkbox per kind of file an inbox may allow: "file_type_image" ...
FILE_TYPE_FIELD = "file_type_"


@dataclasses.dataclass(frozen=True)
class InboxRow:
    id: str
    name: str
    channel: str
    agents: str


@dataclasses.dataclass(frozen=True)
class AgentChoice:
    id: str
    name: str
    selected: bool


class InboxesState(SessionState):
    """The account's inboxes and the active agents the create forms offer."""

    allowed: bool = True
    inboxes: list[InboxRow] = []
    people: list[Person] = []

    @rx.event
    @signed_in_only
    async def load(self):
        self._reload()
        # A bot token shown after creating an inbox is gone once the page is left or reloaded.
        created = await self.get_state(ApiInboxFormState)
        created._forget_created()

    def _reload(self) -> None:
        try:
            with self._as_actor() as (db, actor):
                views = inboxes.list_inboxes(db, actor=actor)
                people = active_people(db, actor)
        except PermissionDenied:
            self.allowed = False
            self.inboxes, self.people = [], []
            return
        self.allowed = True
        self.people = people
        self.inboxes = [
            InboxRow(id=str(v.inbox_id), name=v.name, channel=v.channel_type, agents=", ".join(v.agent_names))
            for v in views
        ]


class WebInboxFormState(FormFeedback, SessionState):
    """Creating a web widget inbox; success opens its settings page, which shows the snippet."""

    @rx.event
    @signed_in_only
    async def create(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            view = inboxes.create_web_inbox(
                db,
                actor=actor,
                name=form_data.get("name"),
                greeting=form_data.get("greeting", ""),
                widget_color=form_data.get("widget_color", WEB_DEFAULTS["widget_color"]),
                allowed_domains=form_data.get("allowed_domains", ""),
                agent_ids=checked_agents(form_data),
            )
        if outcome.refused:
            return None
        return rx.redirect(routes.inbox_settings(view.inbox_id))


class ApiInboxFormState(FormFeedback, SessionState):
    """Creating an API inbox for the bot; its token is shown here once, then never again."""

    created_ref: str = ""
    created_name: str = ""
    bot_token: str = ""
    # Counts created inboxes; the form is keyed on it, so it re-mounts empty after each one.
    created_count: int = 0

    def _forget_created(self) -> None:
        self.created_ref = self.created_name = self.bot_token = ""
        self._clear_feedback()

    @rx.event
    @signed_in_only
    async def create(self, form_data: dict):
        self._forget_created()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            created = inboxes.create_api_inbox(
                db,
                actor=actor,
                name=form_data.get("name"),
                webhook_url=form_data.get("webhook_url", ""),
                agent_ids=checked_agents(form_data),
            )
        if outcome.refused:
            return None
        self.created_ref = str(created.inbox.inbox_id)
        self.created_name = created.inbox.name
        self.bot_token = created.api_token
        self.created_count += 1
        listing = await self.get_state(InboxesState)
        listing._reload()
        return None


class InboxSettingsState(FormFeedback, SessionState):
    """One inbox's settings page (/app/settings/inboxes/<id>)."""

    allowed: bool = True
    loaded: bool = False
    found: bool = False
    inbox_ref: str = ""
    inbox_name: str = ""
    channel: str = ""
    greeting: str = ""
    widget_color: str = ""
    allowed_domains: str = ""
    webhook_url: str = ""
    auto_assign: bool = True
    unanswered_minutes: str = "2"
    # The kinds of files that may be sent in the inbox (services/file_types.CATEGORIES).
    allowed_file_types: list[str] = []
    snippet: str = ""
    agents: list[AgentChoice] = []
    # Bumped whenever stored values are shown; the form is keyed on it, so it re-mounts with them.
    shown_count: int = 0
    # A newly generated bot token: shown once, right after "generate new token".
    bot_token: str = ""
    webhook_secret: str = ""
    bot_after_handoff: bool = False
    _deliveries: list[dict] = []
    # While the webhook's circuit breaker pauses its deliveries: until when, after how many failures.
    _paused: dict = {}

    @rx.var
    def deliveries(self) -> list[dict[str, str]]:
        """The webhook delivery log, with times and each attempt's outcome in the tab's language."""
        return [
            {
                **{k: v for k, v in row.items() if k not in ("created_at", "tries")},
                "time": format_datetime(row["created_at"], self.locale),
                "answer": " · ".join(_attempt_text(attempt, self.locale) for attempt in row["tries"]),
            }
            for row in self._deliveries
        ]

    @rx.var
    def deliveries_paused(self) -> str:
        """Why the webhook gets nothing for now (its circuit breaker is open), or empty."""
        if not self._paused:
            return ""
        until = format_datetime(self._paused["until"], self.locale)
        return translate(self.locale, "inboxes.delivery.paused", time=until, failures=self._paused["failures"])

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        self.bot_token = ""
        with self._as_actor() as (db, actor):
            try:
                view = inboxes.get_inbox_settings(db, actor=actor, inbox_id=as_id(self._route_inbox()))
                people = active_people(db, actor)
            except PermissionDenied:
                self.allowed, self.found, self.loaded = False, False, True
                return
            except ServiceError:  # no such inbox in this account
                self.allowed, self.found, self.loaded = True, False, True
                return
        self.allowed = self.found = self.loaded = True
        self._show(view, people)
        self._load_deliveries()

    def _load_deliveries(self) -> None:
        with self._as_actor() as (db, actor):
            log = (
                webhooks.recent_deliveries(db, actor=actor, inbox_id=as_id(self.inbox_ref))
                if self.channel == "api"
                else None
            )
        if log is None:
            self._deliveries, self._paused = [], {}
            return
        self._deliveries = [
            {
                "event": r.event,
                "status": r.status,
                "attempts": str(r.attempts),
                # A refusal is told in words by its attempt; other errors name the exception.
                "error": "" if any(a.refused for a in r.attempts_log) else r.last_error,
                "created_at": r.created_at,
                "tries": r.attempts_log,
            }
            for r in log.rows
        ]
        self._paused = {"until": log.paused_until, "failures": log.failures} if log.paused_until else {}

    @rx.event
    @signed_in_only
    async def refresh_deliveries(self):
        self._load_deliveries()

    def _route_inbox(self) -> str:
        return route_arg(self.router, "inbox_id")

    def _show(self, view: InboxView, people: list[Person]) -> None:
        self.inbox_ref = str(view.inbox_id)
        self.inbox_name = view.name
        self.channel = view.channel_type
        self.greeting = view.greeting
        self.widget_color = view.widget_color
        self.allowed_domains = "\n".join(view.allowed_domains)
        self.webhook_url = view.webhook_url
        self.auto_assign = view.enable_auto_assignment
        self.unanswered_minutes = str(view.unanswered_after_minutes)
        self.allowed_file_types = list(view.allowed_file_types)
        self.webhook_secret = view.webhook_secret
        self.bot_after_handoff = view.bot_receives_after_handoff
        self.snippet = inboxes.embed_snippet(view.public_token)
        self.agents = [AgentChoice(id=p.id, name=p.name, selected=int(p.id) in view.agent_ids) for p in people]
        self.shown_count += 1

    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        # A web widget inbox's form has no webhook field, an API inbox's form none of the widget's.
        web = {key: form_data.get(key, default) for key, default in WEB_DEFAULTS.items()}
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            view = inboxes.update_inbox(
                db,
                actor=actor,
                inbox_id=as_id(self.inbox_ref),
                name=form_data.get("name"),
                webhook_url=form_data.get("webhook_url", ""),
                enable_auto_assignment=form_flag(form_data, "enable_auto_assignment"),
                bot_receives_after_handoff=form_flag(form_data, "bot_receives_after_handoff"),
                unanswered_after_minutes=form_data.get("unanswered_after_minutes"),
                allowed_file_types=[c for c in CATEGORIES if form_flag(form_data, FILE_TYPE_FIELD + c)],
                agent_ids=checked_agents(form_data),
                **web,
            )
            people = active_people(db, actor)
        if outcome.refused:
            return
        self._show(view, people)
        self._succeed("settings.saved")

    @rx.event
    @signed_in_only
    async def regenerate_token(self):
        """A new bot token; the old one stops working at once. Shown here this one time."""
        self._clear_feedback()
        self.bot_token = ""
        with self._reporting(), self._as_actor() as (db, actor):
            self.bot_token = inboxes.regenerate_api_token(db, actor=actor, inbox_id=as_id(self.inbox_ref))
