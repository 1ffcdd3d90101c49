"""Settings > Labels: administrators create, edit and delete the account's labels."""

import reflex as rx

from kiko_livechat.services import labels
from kiko_livechat.services.errors import NotFound, PermissionDenied
from kiko_livechat.state.forms import FormFeedback, as_id, form_flag
from kiko_livechat.state.session import SessionState, signed_in_only

# Offered beside the colour picker: distinct, readable with white text, and one is the default.
PRESET_COLORS = (
    "#1f6feb",
    "#0e9f6e",
    "#d97706",
    "#dc2626",
    "#7c3aed",
    "#db2777",
    "#0891b2",
    "#4b5563",
)


class LabelsState(FormFeedback, SessionState):
    """The list of the account's labels with their number of conversations."""

    labels: list[dict[str, str]] = []

    @rx.event
    @signed_in_only
    async def load(self):
        self._clear_feedback()
        self._reload()

    def _reload(self) -> None:
        with self._as_actor() as (db, actor):
            views = labels.list_labels(db, actor=actor) if actor.is_admin else []
        self.labels = [
            {
                "id": str(v.label_id),
                "title": v.title,
                "description": v.description,
                "color": v.color,
                "sidebar": "yes" if v.show_on_sidebar else "",
                "count": str(v.conversations),
            }
            for v in views
        ]

    @rx.event
    @signed_in_only
    async def delete(self, label_ref: str):
        self._clear_feedback()
        with self._reporting(), self._as_actor() as (db, actor):
            labels.delete_label(db, actor=actor, label_id=as_id(label_ref))
        self._reload()


class LabelEditState(FormFeedback, SessionState):
    """The dialog that creates a label (label_ref "") or edits one."""

    open: bool = False
    label_ref: str = ""
    title: str = ""
    description: str = ""
    color: str = labels.DEFAULT_COLOR
    show_on_sidebar: bool = True
    # Goes up each time the dialog opens, so its form mounts afresh with the label's values.
    opened: int = 0

    def _open_with(self, ref: str, title: str, description: str, color: str, sidebar: bool) -> None:
        self._clear_feedback()
        self.label_ref, self.title, self.description = ref, title, description
        self.color, self.show_on_sidebar = color, sidebar
        self.opened += 1
        self.open = True

    @rx.event
    @signed_in_only
    async def start_new(self):
        with self._as_actor() as (_, actor):
            if not actor.is_admin:  # the button is not shown to agents; the service would refuse
                return
        self._open_with("", "", "", labels.DEFAULT_COLOR, True)

    @rx.event
    @signed_in_only
    async def start(self, label_ref: str):
        """Open the dialog with the label as stored now (not as the list last showed it)."""
        try:
            with self._as_actor() as (db, actor):
                actor.require_admin()
                view = labels.get_label(db, actor=actor, label_id=as_id(label_ref))
        except (PermissionDenied, NotFound):
            listing = await self.get_state(LabelsState)
            listing._reload()  # deleted meanwhile: show the list as it is
            return
        self._open_with(label_ref, view.title, view.description, view.color, view.show_on_sidebar)

    @rx.event
    @signed_in_only
    async def close(self):
        self._check_session()
        self.open = False
        self._clear_feedback()

    @rx.event
    @signed_in_only
    async def pick_color(self, color: str):
        """A preset swatch or the picker; checked when the form is saved."""
        self._check_session()
        self.color = color if isinstance(color, str) else labels.DEFAULT_COLOR

    @rx.event
    @signed_in_only
    async def save(self, form_data: dict):
        self._clear_feedback()
        fields = {
            "title": form_data.get("title"),
            "description": form_data.get("description", ""),
            "color": self.color,
            "show_on_sidebar": form_flag(form_data, "show_on_sidebar"),
        }
        # Kept as typed, so a refused form shows what was entered.
        self.title, self.description = str(fields["title"] or ""), str(fields["description"] or "")
        self.show_on_sidebar = fields["show_on_sidebar"]
        with self._reporting() as outcome, self._as_actor() as (db, actor):
            if self.label_ref:
                labels.update_label(db, actor=actor, label_id=as_id(self.label_ref), **fields)
            else:
                labels.create_label(db, actor=actor, **fields)
        if outcome.refused:
            return
        self.open = False
        listing = await self.get_state(LabelsState)
        listing._reload()
        listing._succeed("labels.saved")
