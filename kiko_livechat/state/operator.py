"""The operator's console: a login space of its own (a super admin's token, never a dashboard one).

Any client can call any handler by name over the websocket, so every handler that reads or
changes data resolves the operator token on the server first (`operator_only`).
"""

import dataclasses
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

import reflex as rx
from sqlmodel import Session

from kiko_livechat.db import session_scope
from kiko_livechat.i18n import format_date, format_datetime, format_number, translate
from kiko_livechat.models import Plan, SessionKind
from kiko_livechat.routes import ADMIN, ADMIN_LOGIN
from kiko_livechat.services import auth, operator, session_handover
from kiko_livechat.services.actor import OperatorActor
from kiko_livechat.services.errors import AuthFailed, ServiceError
from kiko_livechat.services.invitations import CreatedInvitation
from kiko_livechat.services.operator import AccountRow
from kiko_livechat.state.forms import FormFeedback
from kiko_livechat.state.i18n import AppState

# The plans the console offers, in this order.
PLANS = tuple(plan.value for plan in Plan)
# Text inputs of the create form, emptied after an account was created.
CREATE_TEXT_INPUTS = ("account-name", "admin-name", "admin-email")


class OperatorState(AppState):
    """Who is signed in to the console. Not under SessionState: the two sessions never mix."""

    operator_signed_in: bool = False
    # A login's one-time ticket for the hidden form that moves the session into the console's
    # own HttpOnly cookie (kiko_operator_session: a dashboard session never stands in for it).
    handover_ticket: str = ""

    def _operator_token(self) -> str:
        return session_handover.token_from_cookies(self.router.headers.cookie, SessionKind.OPERATOR)

    @contextmanager
    def _as_operator(self) -> Iterator[tuple[Session, OperatorActor]]:
        """A database session and the operator of this tab's token; AuthFailed if there is none."""
        with session_scope() as db:
            yield db, auth.resolve_operator(db, token=self._operator_token())

    def _check_operator(self) -> None:
        """AuthFailed unless this tab holds a valid operator session (for handlers that only
        change what the tab shows: they are callable by name too)."""
        with self._as_operator():
            pass

    def _sign_out_locally(self):
        """Forget the operator session in this tab and go to the console's login (in place of
        the page that needed the session: Back must not return to it and bounce again)."""
        self.handover_ticket = ""
        self.operator_signed_in = False
        return rx.redirect(ADMIN_LOGIN, replace=True)

    @rx.event
    def require_operator(self):
        """on_load of /admin: a valid operator session, or the console's login page."""
        self.handover_ticket = ""
        try:
            self._check_operator()
        except AuthFailed:
            return self._sign_out_locally()
        self.operator_signed_in = True
        return None

    @rx.event
    def redirect_if_signed_in(self):
        """on_load of /admin/login: a valid operator session goes straight to the console."""
        self.handover_ticket = ""
        try:
            self._check_operator()
        except AuthFailed:
            self.operator_signed_in = False
            return None
        return rx.redirect(ADMIN, replace=True)


def operator_only(handler):
    """Decorator for console handlers: a missing, ended or foreign session sends the tab to the
    console's login (the handler itself raises AuthFailed from `_as_operator`)."""

    @functools.wraps(handler)
    async def wrapper(self, *args, **kwargs):
        try:
            return await handler(self, *args, **kwargs)
        except AuthFailed:
            operator_state = await self.get_state(OperatorState)
            return operator_state._sign_out_locally()

    return wrapper


class OperatorLoginState(FormFeedback, OperatorState):
    """The console's login form; only super admins get a session (the service decides)."""

    @rx.event
    async def login(self, form_data: dict):
        self._clear_feedback()
        operator_state = await self.get_state(OperatorState)
        try:
            with session_scope() as db:
                result = auth.operator_login(
                    db,
                    email=form_data.get("email"),
                    password=form_data.get("password"),
                    client_address=self.router.session.client_ip or None,
                )
                operator_state.handover_ticket = session_handover.issue(db, token=result.token)
        except ServiceError as error:
            self._fail(error)
        # The page's handover form now posts the ticket and lands on the console.


@dataclasses.dataclass(frozen=True)
class AccountLine:
    """One account as the console's table shows it, written for the tab's language."""

    account_id: int
    name: str
    plan: str
    trial_ends: str
    livechat_active: bool
    state: str
    members: str
    created: str


def _account_line(row: AccountRow, locale: str) -> AccountLine:
    return AccountLine(
        account_id=row.account_id,
        name=row.name,
        plan=row.plan,
        trial_ends=format_date(row.trial_ends_at, locale) if row.trial_ends_at else "",
        livechat_active=row.livechat_active,
        state=row.state,
        members=format_number(row.members, locale),
        created=format_date(row.created_at, locale),
    )


class AccountsState(FormFeedback, OperatorState):
    """The accounts table and its per-row switches; a refusal shows above the table."""

    # Kept as the service returns them, so a language switch re-formats the dates.
    _rows: list[AccountRow] = []
    # False until the first load, so the page shows no "no accounts yet" before it knows.
    loaded: bool = False

    @rx.var
    def accounts(self) -> list[AccountLine]:
        return [_account_line(row, self.locale) for row in self._rows]

    def _reload(self, db: Session, actor: OperatorActor) -> None:
        self._rows = operator.list_accounts(db, operator=actor)
        self.loaded = True

    def _name_of(self, account_id: object) -> str | None:
        return next((row.name for row in self._rows if row.account_id == account_id), None)

    @rx.event
    @operator_only
    async def load(self):
        with self._as_operator() as (db, actor):
            self._reload(db, actor)

    @rx.event
    @operator_only
    async def set_livechat(self, account_id: int, active: bool):
        # The service takes any truthy value as "on"; only a real switch position counts here.
        if not isinstance(active, bool):
            self._fail_code("error.invalid_choice")
            return
        with self._as_operator() as (db, actor):
            self._change(db, actor, operator.set_livechat_active, account_id=account_id, active=active)

    @rx.event
    @operator_only
    async def set_plan(self, account_id: int, plan: str):
        with self._as_operator() as (db, actor):
            self._change(db, actor, operator.set_plan, account_id=account_id, plan=plan)

    def _change(self, db: Session, actor: OperatorActor, service, **kwargs) -> None:
        """One service call on a row; refused or not, the table then shows what is stored."""
        self._clear_feedback()
        try:
            service(db, operator=actor, **kwargs)
        except ServiceError as error:
            db.rollback()
            self._fail(error)
        self._reload(db, actor)


class InvitationLink(rx.State, mixin=True):
    """A created invitation's link for the operator to copy, and whether it was also e-mailed."""

    link: str = ""
    link_email: str = ""
    _link_expires_at: datetime | None = None
    _link_emailed: bool = False

    @rx.var
    def link_caption(self) -> str:
        """For whom the link is, until when it works and whether it went by e-mail, in the tab's language."""
        if not self._link_expires_at:
            return ""
        expires = format_datetime(self._link_expires_at, self.locale)
        key = "operator.link.caption_emailed" if self._link_emailed else "operator.link.caption"
        return translate(self.locale, key, email=self.link_email, expires=expires)

    def _show_link(self, created: CreatedInvitation | None) -> None:
        self.link = created.link if created else ""
        self.link_email = created.email if created else ""
        self._link_expires_at = created.expires_at if created else None
        self._link_emailed = created.emailed if created else False


class CreateAccountState(InvitationLink, FormFeedback, OperatorState):
    """A new customer account and its first administrator's invitation link to pass on."""

    @rx.event
    @operator_only
    async def create(self, form_data: dict):
        self._clear_feedback()
        self._show_link(None)
        accounts = await self.get_state(AccountsState)
        with self._as_operator() as (db, actor):
            try:
                created = operator.create_customer_account(
                    db,
                    operator=actor,
                    name=form_data.get("name"),
                    locale=form_data.get("locale"),
                    plan=form_data.get("plan"),
                    admin_email=form_data.get("admin_email"),
                    admin_name=form_data.get("admin_name"),
                )
            except ServiceError as error:
                db.rollback()
                self._fail(error)
                return None
            accounts._reload(db, actor)
        self._show_link(created)
        self._succeed("operator.create.done")
        return [rx.set_value(input_id, "") for input_id in CREATE_TEXT_INPUTS]


class InviteState(InvitationLink, FormFeedback, OperatorState):
    """The "invite administrator" dialog of one account (e.g. the first link got lost)."""

    dialog_open: bool = False
    account_id: int = 0
    account_name: str = ""

    @rx.event
    @operator_only
    async def start(self, account_id: int):
        """Open the dialog for a row of the table (the name comes from the server's rows)."""
        self._check_operator()
        accounts = await self.get_state(AccountsState)
        name = accounts._name_of(account_id)
        if name is None:
            accounts._fail_code("error.not_found")
            return
        self._clear_feedback()
        self._show_link(None)
        self.account_id, self.account_name = account_id, name
        self.dialog_open = True

    @rx.event
    @operator_only
    async def set_dialog_open(self, is_open: bool):
        """The dialog's own close (Escape, outside click, close button); it opens only by `start`."""
        self._check_operator()
        if is_open is False:
            self.dialog_open = False

    @rx.event
    @operator_only
    async def invite(self, form_data: dict):
        self._clear_feedback()
        with self._as_operator() as (db, actor):
            try:
                created = operator.invite_administrator(
                    db,
                    operator=actor,
                    account_id=self.account_id,
                    email=form_data.get("email"),
                    name=form_data.get("name"),
                )
            except ServiceError as error:
                db.rollback()
                self._fail(error)
                return
        self._show_link(created)
