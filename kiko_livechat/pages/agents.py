"""/app/settings/agents: who works in the account, invitations, roles, deactivation."""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.forms import card_section, field, form_error, form_notice
from kiko_livechat.components.layout import AVAILABILITY_COLORS, dashboard, settings_nav
from kiko_livechat.components.text import tr
from kiko_livechat.i18n import SUPPORTED_LOCALES
from kiko_livechat.i18n.locales import PRODUCT_NAME
from kiko_livechat.models import Role
from kiko_livechat.state.agents import UNASSIGN, AgentsState, DeactivateState, InviteFormState
from kiko_livechat.state.session import SessionState

ROLES = (Role.AGENT.value, Role.ADMINISTRATOR.value)
MAIL_STATUS_COLORS = {"pending": "amber", "sent": "green", "failed": "red"}
INVITATION_COLUMNS = (
    "agents.name",
    "agents.role",
    "agents.invitations.expires",
    "agents.invitations.mail",
    "agents.actions",
)


def _role_items() -> list[rx.Component]:
    return [rx.select.item(tr(f"role.{role}"), value=role) for role in ROLES]


def _language_select() -> rx.Component:
    """The invitee's language (for the e-mail and their profile), the account's at first."""
    return rx.select.root(
        rx.select.trigger(id="invite-locale"),
        rx.select.content(*[rx.select.item(tr("language." + locale), value=locale) for locale in SUPPORTED_LOCALES]),
        name="locale",
        default_value=SessionState.account_locale,
        # The account's language arrives with the profile: a new key shows it as the default.
        key=SessionState.account_locale,
    )


def _invite_form() -> rx.Component:
    return card_section(
        "agents.invite.title",
        rx.cond(
            ~AgentsState.email_enabled,
            rx.text(tr("agents.invite.email_off"), size="2", color_scheme="gray", id="invite-email-off"),
        ),
        rx.form(
            rx.vstack(
                form_notice(InviteFormState.notice),
                form_error(InviteFormState.errors.get("", "")),
                rx.grid(
                    field(
                        "agents.invite.name",
                        rx.input(name="name", id="invite-name", max_length=100),
                        InviteFormState.errors.get("name", ""),
                    ),
                    field(
                        "agents.invite.email",
                        rx.input(name="email", id="invite-email", type="email", max_length=254),
                        InviteFormState.errors.get("email", ""),
                    ),
                    field(
                        "agents.role",
                        rx.select.root(
                            rx.select.trigger(id="invite-role"),
                            rx.select.content(*_role_items()),
                            name="role",
                            default_value=Role.AGENT.value,
                        ),
                        InviteFormState.errors.get("role", ""),
                    ),
                    field("agents.invite.language", _language_select(), InviteFormState.errors.get("locale", "")),
                    columns=rx.breakpoints(initial="1", md="2", lg="4"),
                    spacing="4",
                    width="100%",
                ),
                rx.button(tr("agents.invite.submit"), type="submit", id="invite-submit", width="fit-content"),
                _link_to_copy(InviteFormState.link_hint, InviteFormState.link, "invite-link"),
                spacing="4",
                align="stretch",
            ),
            on_submit=InviteFormState.invite,
            reset_on_submit=False,
        ),
    )


def _link_to_copy(hint: rx.Var, link: rx.Var, link_id: str) -> rx.Component:
    """An invitation link just issued: whether it was e-mailed (`hint`), the link and a copy button."""
    return rx.cond(
        link != "",
        rx.vstack(
            rx.text(hint, size="2", color_scheme="gray", id=f"{link_id}-hint"),
            rx.hstack(
                # A link has no spaces to wrap at: on a narrow screen it breaks where the line ends
                # (min_width 0 lets it shrink instead of pushing the copy button off the card).
                rx.code(link, id=link_id, overflow_wrap="anywhere", min_width="0", flex="1"),
                rx.icon_button(
                    rx.icon("copy", size=16),
                    on_click=[rx.set_clipboard(link), rx.toast.success(tr("common.copied"))],
                    variant="soft",
                    aria_label=tr("common.copy"),
                    title=tr("common.copy"),
                    type="button",
                    flex_shrink="0",
                ),
                align="center",
                width="100%",
            ),
            spacing="2",
            width="100%",
        ),
    )


def _availability(row: rx.Var) -> rx.Component:
    return rx.hstack(
        rx.box(
            width="8px",
            height="8px",
            border_radius="50%",
            background=rx.match(
                row["availability"],
                *[(value, rx.color(color, 9)) for value, color in AVAILABILITY_COLORS.items()],
                rx.color("gray", 9),
            ),
        ),
        rx.text(tr("availability." + row["availability"]), size="2"),
        align="center",
        spacing="2",
    )


def _role_control(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["active"],
        rx.select.root(
            rx.select.trigger(aria_label=tr("agents.role"), variant="ghost"),
            rx.select.content(*_role_items()),
            value=row["role"],
            on_change=lambda role: AgentsState.change_role(row["id"], role),
            size="1",
        ),
        rx.text(tr("role." + row["role"]), size="2", color_scheme="gray"),
    )


def _row_action(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["active"],
        rx.cond(
            row["is_self"],
            rx.text(tr("agents.you"), size="1", color_scheme="gray"),
            rx.button(
                tr("agents.deactivate"),
                on_click=DeactivateState.start(row["id"]),
                size="1",
                variant="soft",
                color_scheme="red",
            ),
        ),
        rx.button(tr("agents.reactivate"), on_click=AgentsState.reactivate(row["id"]), size="1", variant="soft"),
    )


def _agent_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(
            rx.vstack(
                rx.text(row["name"], weight="medium"),
                rx.text(row["email"], size="1", color_scheme="gray"),
                spacing="0",
            )
        ),
        rx.table.cell(_role_control(row)),
        rx.table.cell(_availability(row)),
        rx.table.cell(rx.cond(row["last_seen"] != "", row["last_seen"], tr("agents.never_seen")), white_space="nowrap"),
        rx.table.cell(
            rx.cond(
                row["active"],
                rx.badge(tr("agents.active"), color_scheme="green"),
                rx.badge(tr("agents.deactivated"), color_scheme="gray"),
            )
        ),
        rx.table.cell(_row_action(row)),
        data_agent=row["email"],
    )


def _table(header_keys: tuple[str, ...], rows: rx.Var, render) -> rx.Component:
    """A table that scrolls sideways on a phone instead of running off the screen."""
    return rx.box(
        rx.table.root(
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(tr(key)) for key in header_keys])),
            rx.table.body(rx.foreach(rows, render)),
            variant="surface",
            width="100%",
        ),
        overflow_x="auto",
        width="100%",
    )


def _agents_list() -> rx.Component:
    return card_section(
        "agents.list.title",
        form_error(AgentsState.errors.get("", "")),
        _table(
            (
                "agents.name",
                "agents.role",
                "agents.availability",
                "agents.last_seen",
                "agents.status",
                "agents.actions",
            ),
            AgentsState.agents,
            _agent_row,
        ),
    )


def _mail_status(row: rx.Var) -> rx.Component:
    return rx.cond(
        row["mail_status"] != "",
        rx.badge(
            tr("agents.invitations.mail." + row["mail_status"]),
            color_scheme=rx.Var.create(MAIL_STATUS_COLORS)[row["mail_status"]],
            variant="soft",
        ),
        rx.text(tr("agents.invitations.mail.none"), size="1", color_scheme="gray"),
    )


def _invitation_row(row: rx.Var) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.vstack(rx.text(row["name"]), rx.text(row["email"], size="1", color_scheme="gray"))),
        rx.table.cell(tr("role." + row["role"])),
        rx.table.cell(row["expires"], white_space="nowrap"),
        rx.table.cell(_mail_status(row), white_space="nowrap"),
        rx.table.cell(
            rx.hstack(
                rx.cond(
                    AgentsState.email_enabled,
                    rx.button(
                        rx.icon("send", size=14),
                        tr("agents.invitations.resend"),
                        on_click=AgentsState.resend_invitation(row["id"]),
                        size="1",
                        variant="soft",
                    ),
                ),
                rx.button(
                    tr("agents.invitations.revoke"),
                    on_click=AgentsState.revoke_invitation(row["id"]),
                    size="1",
                    variant="soft",
                    color_scheme="gray",
                ),
                spacing="2",
            )
        ),
        data_invitation=row["email"],
    )


def _invitations_list() -> rx.Component:
    return rx.cond(
        AgentsState.invitations.length() > 0,
        card_section(
            "agents.invitations.title",
            _link_to_copy(AgentsState.link_hint, AgentsState.link, "resent-link"),
            _table(
                INVITATION_COLUMNS,
                AgentsState.invitations,
                _invitation_row,
            ),
        ),
    )


def _deactivate_dialog() -> rx.Component:
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(tr("agents.deactivate.title"), " ", DeactivateState.user_name),
            rx.dialog.description(tr("agents.deactivate.explain"), size="2"),
            rx.form(
                rx.vstack(
                    form_error(DeactivateState.errors.get("", "")),
                    rx.cond(
                        DeactivateState.conversations.length() > 0,
                        rx.vstack(
                            rx.text(tr("agents.deactivate.open_conversations"), weight="medium", size="2"),
                            rx.foreach(
                                DeactivateState.conversations,
                                lambda c: rx.text(
                                    "#",
                                    c["display_id"],
                                    " · ",
                                    c["contact"],
                                    " · ",
                                    c["inbox"],
                                    " · ",
                                    tr("status." + c["status"]),
                                    size="2",
                                ),
                            ),
                            field(
                                "agents.deactivate.move_to",
                                rx.select.root(
                                    rx.select.trigger(id="reassign-to", placeholder=tr("agents.deactivate.choose")),
                                    rx.select.content(
                                        rx.foreach(
                                            AgentsState.successors,
                                            lambda a: rx.cond(
                                                a["id"] != DeactivateState.user_id,
                                                rx.select.item(a["name"], value=a["id"]),
                                            ),
                                        ),
                                        rx.select.separator(),
                                        rx.select.item(tr("agents.deactivate.unassign"), value=UNASSIGN),
                                    ),
                                    name="reassign_to",
                                ),
                                DeactivateState.errors.get("reassign_to", ""),
                            ),
                            spacing="2",
                            width="100%",
                        ),
                        rx.text(tr("agents.deactivate.no_conversations"), size="2", color_scheme="gray"),
                    ),
                    rx.hstack(
                        rx.button(
                            tr("common.cancel"),
                            type="button",
                            variant="soft",
                            color_scheme="gray",
                            on_click=DeactivateState.cancel,
                        ),
                        rx.button(tr("agents.deactivate"), type="submit", color_scheme="red", id="deactivate-confirm"),
                        justify="end",
                        width="100%",
                    ),
                    spacing="4",
                    margin_top="12px",
                ),
                on_submit=DeactivateState.confirm,
                reset_on_submit=False,
            ),
            max_width="520px",
        ),
        open=DeactivateState.open,
    )


def agents_page() -> rx.Component:
    return dashboard(
        "settings.title",
        routes.SETTINGS_AGENTS,
        settings_nav(routes.SETTINGS_AGENTS),
        rx.cond(
            AgentsState.allowed,
            rx.vstack(
                _invite_form(), _invitations_list(), _agents_list(), _deactivate_dialog(), spacing="5", width="100%"
            ),
            rx.callout(tr("error.admin_only"), icon="lock", color_scheme="gray"),
        ),
    )


def register(app: rx.App) -> None:
    app.add_page(
        agents_page,
        route=routes.SETTINGS_AGENTS,
        title=PRODUCT_NAME,
        on_load=[SessionState.require_login, AgentsState.load],
    )
