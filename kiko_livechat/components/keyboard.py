"""Keyboard shortcuts of the agents' workspace and the dialog that lists them (`?`).

One listener on the window clicks or focuses the elements the mouse would use (by id), so a
shortcut does exactly what its button does, checks included. Enter / Shift+Enter belong to the
composer (components/chat.py) and Alt+J / Alt+K to the list (components/conversation_list.py).
No shortcut fires in a field where it would surprise: `?` never in a text field, Alt+R and
Alt+N only from the composer or outside fields, Ctrl/Cmd+K anywhere (as in every app). A key
another handler has taken (a picker open in the composer calls preventDefault) is left alone.
"""

import reflex as rx

from kiko_livechat.components.text import tr
from kiko_livechat.state.search import SEARCH_INPUT_ID

HELP_BUTTON_ID = "shortcuts-button"
# Element ids on the conversation page the shortcuts act on (pages/conversation.py).
COMPOSER_ID = "composer"
RESOLVE_ID = "resolve"
NOTE_SWITCH_ID = "note-mode"

_SCRIPT = f"""
() => {{
  if (window.__kikoShortcuts) return;
  window.__kikoShortcuts = true;
  const isField = (el) => !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
  const byId = (id) => document.getElementById(id);
  window.addEventListener("keydown", (event) => {{
    if (event.isComposing || event.defaultPrevented) return;
    const target = event.target;
    const mod = event.ctrlKey || event.metaKey;
    if (mod && !event.altKey && !event.shiftKey && event.key.toLowerCase() === "k") {{
      const box = byId("{SEARCH_INPUT_ID}");
      if (!box) return;
      event.preventDefault();
      box.focus();
      box.select();
      return;
    }}
    // event.code: Alt+R types "®" on a Mac keyboard, the key is still R.
    const action = {{KeyR: "{RESOLVE_ID}", KeyN: "{NOTE_SWITCH_ID}"}}[event.code];
    if (action && event.altKey && !mod && !event.shiftKey) {{
      if (isField(target) && target.id !== "{COMPOSER_ID}") return;
      const element = byId(action);
      if (!element || element.disabled) return;
      event.preventDefault();
      element.click();
      return;
    }}
    if (event.key === "?" && !mod && !event.altKey && !isField(target)) {{
      const open = byId("{HELP_BUTTON_ID}");
      if (!open) return;
      event.preventDefault();
      open.click();
    }}
  }});
}}
"""

SHORTCUTS = ("send", "newline", "search", "resolve", "note", "next", "previous", "help")


def keyboard_listener() -> rx.Component:
    """Invisible: installs the listener once per tab."""
    return rx.box(display="none", on_mount=rx.call_function(_SCRIPT))


def _shortcut(name: str) -> rx.Component:
    return rx.table.row(
        rx.table.cell(rx.text(tr(f"keyboard.{name}"), size="2")),
        rx.table.cell(rx.code(tr(f"keyboard.keys.{name}"), size="2", white_space="nowrap"), justify="end"),
        class_name="shortcut",
    )


def shortcuts_dialog() -> rx.Component:
    """A small keyboard button that opens the list of shortcuts (also with `?`)."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.icon_button(
                rx.icon("keyboard", size=16),
                variant="ghost",
                color_scheme="gray",
                size="2",
                aria_label=tr("keyboard.open"),
                title=tr("keyboard.open"),
                id=HELP_BUTTON_ID,
            )
        ),
        rx.dialog.content(
            rx.hstack(
                rx.dialog.title(tr("keyboard.title"), size="4", margin="0"),
                rx.spacer(),
                rx.dialog.close(rx.icon_button(rx.icon("x", size=16), variant="ghost", aria_label=tr("dialog.close"))),
                width="100%",
                align="center",
            ),
            rx.table.root(rx.table.body(*[_shortcut(s) for s in SHORTCUTS]), size="1", width="100%", margin_top="12px"),
            max_width="440px",
            id="shortcuts-dialog",
        ),
    )
