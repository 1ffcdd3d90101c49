"""The "/" picker under a composer: an empty box that assets/canned-picker.js fills.

The script watches the composer named by `data-input`: "/" at the start of the message or after
whitespace opens the picker, each keystroke asks api/dashboard_canned.py for the best matches
(a few rows, no state delta), arrows move, Enter or Tab inserts the text with the variables
filled in, Esc closes and leaves the typed text. Its keys act only while the picker is open,
so the composer's own keys (Enter sends) are untouched otherwise. Rows are built with
textContent: canned text is shown as text, never as markup.
"""

import reflex as rx

from kiko_livechat import routes
from kiko_livechat.components.text import tr

_CSS = """
#canned-picker .canned-panel { margin-top: 4px; border: 1px solid var(--gray-a6); border-radius: var(--radius-3);
  background: var(--color-panel-solid); box-shadow: var(--shadow-3); overflow: hidden }
#canned-picker .canned-panel[hidden] { display: none }
#canned-picker .canned-list { max-height: 232px; overflow-y: auto }
#canned-picker .canned-option { display: flex; align-items: baseline; gap: 10px; padding: 7px 12px; cursor: pointer;
  font-size: var(--font-size-2) }
#canned-picker .canned-option[aria-selected="true"] { background: var(--accent-a4) }
#canned-picker .canned-code { font-family: var(--code-font-family, monospace); font-weight: 600;
  color: var(--accent-11); white-space: nowrap }
#canned-picker .canned-preview { flex: 1; min-width: 0; color: var(--gray-11); white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis }
#canned-picker .canned-empty, #canned-picker .canned-hint { padding: 6px 12px; color: var(--gray-10);
  font-size: var(--font-size-1) }
#canned-picker .canned-hint { border-top: 1px solid var(--gray-a4) }
"""


def canned_picker(input_id: str, conversation_number: rx.Var) -> rx.Component:
    """The picker for the text field `input_id` of the conversation with that number."""
    return rx.fragment(
        rx.el.style(_CSS),
        rx.script(src="/canned-picker.js"),
        rx.box(
            id="canned-picker",
            width="100%",
            custom_attrs={
                "data-input": input_id,
                "data-url": routes.CANNED_PICKER,
                "data-conversation": conversation_number,
                "data-label": tr("canned.picker.label"),
                "data-empty": tr("canned.picker.empty"),
                "data-hint": tr("canned.picker.hint"),
            },
        ),
    )
