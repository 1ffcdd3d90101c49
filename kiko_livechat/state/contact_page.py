"""/app/contacts/<id>: one contact's details, edited by agents, and its conversations."""

import reflex as rx

from kiko_livechat.i18n import format_datetime
from kiko_livechat.i18n.aliases import display_name
from kiko_livechat.services import contact_page
from kiko_livechat.services.contact_page import ContactDetail
from kiko_livechat.state.forms import FormFeedback, as_id, form_flag
from kiko_livechat.state.routing import route_arg
from kiko_livechat.state.session import SessionState, signed_in_only


class ContactPageState(FormFeedback, SessionState):
    found: bool = False
    contact_ref: str = ""
    title: str = ""
    name: str = ""
    email: str = ""
    phone: str = ""
    identifier: str = ""
    company: str = ""
    city: str = ""
    country: str = ""
    blocked: bool = False
    conversations: list[dict[str, str]] = []
    # Bumped whenever stored values are shown; the form is keyed on it, so it re-mounts with them.
    shown_count: int = 0

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            detail = contact_page.contact_detail(
                db, actor=actor, contact_id=as_id(route_arg(self.router, "contact_id"))
            )
        self.found = not outcome.refused
        if self.found:
            self._show(detail)

    def _show(self, detail: ContactDetail) -> None:
        c = detail.contact
        extra = c.additional_attributes or {}
        self.contact_ref = str(c.contact_id)
        self.title = display_name(c.name, c.alias_key, self.locale)
        self.name, self.email, self.phone = c.name or "", c.email or "", c.phone_number or ""
        self.identifier = c.identifier or ""
        self.company, self.city = str(extra.get("company_name", "")), str(extra.get("city", ""))
        self.country, self.blocked = str(extra.get("country", "")), c.blocked
        self.conversations = [
            {
                "number": str(v.display_id),
                "status": v.status,
                "inbox": v.inbox_name,
                "when": format_datetime(v.last_activity_at, self.locale) if v.last_activity_at else "",
            }
            for v in detail.conversations
        ]
        self.shown_count += 1

    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            contact_page.edit_contact(
                db,
                actor=actor,
                contact_id=as_id(self.contact_ref),
                **{key: form_data.get(key, "") for key in
                   ("name", "email", "phone_number", "identifier", "company", "city", "country")},
            )  # fmt: skip
            detail = contact_page.contact_detail(db, actor=actor, contact_id=as_id(self.contact_ref))
        if outcome.refused:
            return
        self._show(detail)
        self._succeed("settings.saved")

    @rx.event
    @signed_in_only
    async def set_blocked(self, form_data: dict):
        self._clear_feedback()
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            contact_page.set_blocked(
                db, actor=actor, contact_id=as_id(self.contact_ref), blocked=form_flag(form_data, "blocked")
            )
            detail = contact_page.contact_detail(db, actor=actor, contact_id=as_id(self.contact_ref))
        if not outcome.refused:
            self._show(detail)
