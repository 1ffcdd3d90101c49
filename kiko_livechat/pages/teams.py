"""/app/settings/teams: administrators create, edit and delete teams and choose their members;
agents see the teams they belong to, read-only."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.admin_widgets import edit_and_delete, switch_field, tr_with
from kiko_livechat.components.forms import card_section, dialog_actions, field, form_error, form_notice
from kiko_livechat.components.layout import dashboard, settings_nav
from kiko_livechat.components.text import tr
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.services.teams import DESCRIPTION_MAX
from kiko_livechat.services.validation import NAME_MAX
from kiko_livechat.state.session import SessionState
from kiko_livechat.state.teams import TeamCreateState, TeamEditState, TeamsState


def _team_fields(form_state, name: rx.Var | str, description: rx.Var | str, auto: rx.Var | bool, prefix: str):
    """Name, description and auto-assignment: the same fields to create and to edit a team."""
    return (
        field(
            "teams.field.name",
            rx.input(name="name", default_value=name, max_length=NAME_MAX, id=f"{prefix}-name"),
            form_state.errors.get("name", ""),
        ),
        field(
            "teams.field.description",
            rx.text_area(
                name="description", default_value=description, max_length=DESCRIPTION_MAX, id=f"{prefix}-description"
            ),
            form_state.errors.get("description", ""),
        ),
        switch_field(
            "allow_auto_assign",
            "teams.field.auto_assign",
            auto,
            f"{prefix}-auto-assign",
            "teams.field.auto_assign_hint",
        ),
    )


def _create_form() -> rx.Component:
    return card_section(
        "teams.create.title",
        rx.form(
            rx.vstack(
                form_notice(TeamCreateState.notice),
                form_error(TeamCreateState.errors.get("", "")),
                *_team_fields(TeamCreateState, "", "", True, "new-team"),
                rx.button(
                    rx.icon("plus", size=16),
                    tr("teams.create.submit"),
                    type="submit",
                    id="create-team",
                    width="fit-content",
                ),
                spacing="3",
                align="stretch",
            ),
            # A new key after each created team re-mounts the form empty.
            key=TeamCreateState.created_count,
            on_submit=TeamCreateState.create,
        ),
    )


def _auto_assign_badge(on: rx.Var) -> rx.Component:
    return rx.cond(
        on,
        rx.badge(rx.icon("shuffle", size=12), tr("teams.auto_assign.on"), color_scheme="green", variant="soft"),
        rx.badge(rx.icon("pause", size=12), tr("teams.auto_assign.off"), color_scheme="gray", variant="soft"),
    )


def _member(team: rx.Var, member: rx.Var) -> rx.Component:
    remove = rx.icon_button(
        rx.icon("x", size=12),
        size="1",
        variant="ghost",
        color_scheme="gray",
        aria_label=tr_with("teams.members.remove", name=member.name),
        on_click=TeamsState.remove_member(team.id, member.id),
    )
    return rx.badge(
        rx.icon("user", size=12),
        member.name,
        rx.cond(SessionState.is_admin, remove),
        role="listitem",
        size="2",
        variant="surface",
        radius="full",
        align_items="center",
    )


def _add_member_form(team: rx.Var) -> rx.Component:
    return rx.cond(
        team.candidates.length() > 0,
        rx.form(
            rx.hstack(
                # The form's submit handler is shared by all teams' forms: the team goes with the data.
                rx.el.input(type="hidden", name="team_id", value=team.id),
                rx.select.root(
                    rx.select.trigger(
                        placeholder=tr("teams.members.choose"),
                        aria_label=tr_with("teams.members.choose_for", team=team.name),
                    ),
                    rx.select.content(
                        rx.foreach(team.candidates, lambda person: rx.select.item(person.name, value=person.id))
                    ),
                    name="user_id",
                ),
                rx.button(rx.icon("user-plus", size=16), tr("teams.members.add"), type="submit", variant="soft"),
                spacing="2",
                wrap="wrap",
            ),
            on_submit=TeamsState.add_member,
            reset_on_submit=True,
        ),
    )


def _team_actions(team: rx.Var) -> rx.Component:
    return edit_and_delete(
        "teams",
        "team",
        team.id,
        TeamEditState.start(team.id),
        TeamsState.delete(team.id),
        tr_with("teams.delete.confirm", name=team.name),
    )


def _team_card(team: rx.Var) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(team.name, size="4"),
                _auto_assign_badge(team.allow_auto_assign),
                rx.spacer(),
                rx.cond(SessionState.is_admin, _team_actions(team)),
                align="center",
                wrap="wrap",
                width="100%",
            ),
            rx.cond(team.description != "", rx.text(team.description, size="2", color_scheme="gray")),
            rx.text(tr("teams.members.title"), size="2", weight="medium"),
            rx.cond(
                team.members.length() > 0,
                rx.flex(
                    rx.foreach(team.members, lambda member: _member(team, member)),
                    role="list",
                    aria_label=tr("teams.members.title"),
                    wrap="wrap",
                    gap="8px",
                ),
                rx.text(tr("teams.members.none"), size="2", color_scheme="gray"),
            ),
            rx.cond(SessionState.is_admin, _add_member_form(team)),
            rx.cond(TeamsState.failed_team == team.id, form_error(TeamsState.errors.get("", ""))),
            spacing="3",
            align="stretch",
        ),
        role="region",
        aria_label=team.name,
        width="100%",
    )


def _team_list() -> rx.Component:
    empty_key = rx.cond(SessionState.is_admin, "teams.empty", "teams.empty_agent")
    return rx.vstack(
        rx.heading(tr(rx.cond(SessionState.is_admin, "teams.list.title", "teams.list.title_agent")), size="4"),
        rx.cond(~SessionState.is_admin, rx.text(tr("teams.agent_note"), size="2", color_scheme="gray")),
        rx.cond(
            TeamsState.teams.length() > 0,
            rx.vstack(rx.foreach(TeamsState.teams, _team_card), spacing="3", width="100%"),
            rx.callout(tr(empty_key), icon="info", width="100%"),
        ),
        spacing="3",
        width="100%",
        align="stretch",
    )


def _edit_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("teams.edit.title")),
            rx.form(
                rx.vstack(
                    form_error(TeamEditState.errors.get("", "")),
                    *_team_fields(
                        TeamEditState,
                        TeamEditState.team_name,
                        TeamEditState.team_description,
                        TeamEditState.allow_auto_assign,
                        "edit-team",
                    ),
                    dialog_actions(TeamEditState.close, "teams.edit.submit", "save-team"),
                    spacing="3",
                    align="stretch",
                ),
                on_submit=TeamEditState.save,
            ),
            max_width="520px",
        ),
        open=TeamEditState.open,
        # Escape or a click outside closes it like the cancel button.
        on_open_change=lambda _open: TeamEditState.close(),
    )


def teams_page() -> rx.Component:
    return dashboard(
        "settings.title",
        routes.SETTINGS_TEAMS,
        settings_nav(routes.SETTINGS_TEAMS),
        _team_list(),
        rx.cond(SessionState.is_admin, _create_form()),
        _edit_dialog(),
    )


def register(app: rx.App) -> None:
    app.add_page(
        teams_page,
        route=routes.SETTINGS_TEAMS,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, TeamsState.load],
    )
