"""The hidden forms that move a login session into its HttpOnly cookie and out of it again.

A form post is the one way a page can have the server set or clear an HttpOnly cookie and load
the next page on it (whose websocket then carries the cookie). /session.js posts the handover
form as soon as a login's one-time ticket is on it; a logout button submits its logout form.
Neither needs a script from the server (the CSP allows no eval).
"""

import reflex as rx

from kiko_livechat.routes import AUTH_LOGOUT, AUTH_SESSION

HANDOVER_ID = "session-handover"


def handover_form(ticket: rx.Var, next_path: str) -> rx.Component:
    """Posts `ticket` to /auth/session once it is set; the answer lands on `next_path`."""
    return rx.fragment(
        rx.el.form(
            rx.el.input(type="hidden", name="ticket", value=ticket),
            rx.el.input(type="hidden", name="next", value=next_path),
            id=HANDOVER_ID,
            method="post",
            action=AUTH_SESSION,
            custom_attrs={"data-ticket": ticket},
            hidden=True,
        ),
        rx.script(src="/session.js"),
    )


def logout_form(kind: str) -> rx.Component:
    """The form a logout button of this login space (`agent` or `operator`) submits."""
    return rx.el.form(
        rx.el.input(type="hidden", name="kind", value=kind),
        id=f"logout-form-{kind}",
        method="post",
        action=AUTH_LOGOUT,
        hidden=True,
    )


def submit_logout(kind: str) -> rx.event.EventSpec:
    """The click that logs out: the form's post ends the session on the server and clears the
    cookie. (A function compiled into the page, not a script sent to be evaluated; submit(),
    not requestSubmit(): the form's React handler would cancel the post.)"""
    return rx.call_function(f"() => document.getElementById('logout-form-{kind}').submit()")
