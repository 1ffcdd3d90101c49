"""Files in a chat, for the agents' conversation and the visitor's page alike.

- `attach_box` + `attach_button`: inside a composer's form, an empty box that assets/attach.js
  fills with the tray of files being uploaded (progress, cancel, previews, refusals) and with
  the hidden field "attachments" the form sends; the button opens the file picker. Drag and drop
  onto the chat and pasting into the text field attach files too. Texts come as data attributes.
- `attachment_list`: a message's files: images as thumbnails that open full size, audio and
  video in the browser's player, everything else as a card with a download link. The file
  route decides what may show inline; nothing else is ever shown in the page.

`t` is the page's lookup of translated texts (the dashboard's `tr`, the widget's own).
"""

from collections.abc import Callable

import reflex as rx

from kiko_livechat.services.staged_files import FILES_PER_MESSAGE

Texts = Callable[[str], rx.Var]

_CSS = """
#attach-box { width: 100% }
#attach-box .attach-tray { display: flex; flex-wrap: wrap; gap: 6px; width: 100% }
#attach-box .attach-tray[hidden], #attach-box .attach-waiting[hidden] { display: none }
#attach-box .attach-item { display: flex; align-items: center; gap: 8px; padding: 5px 6px 5px 5px;
  border: 1px solid var(--gray-a6); border-radius: var(--radius-3); background: var(--color-panel-solid);
  flex: 1 1 180px; max-width: 260px; min-width: 0; box-sizing: border-box; font-size: var(--font-size-1) }
#attach-box .attach-item.is-error { border-color: var(--red-a7); background: var(--red-a2); flex-basis: 100%;
  max-width: none }
#attach-box .attach-thumb { width: 40px; height: 40px; object-fit: cover; border-radius: var(--radius-2); flex: none }
#attach-box .attach-icon { width: 40px; height: 40px; flex: none; display: flex; align-items: center;
  justify-content: center; border-radius: var(--radius-2); background: var(--accent-a3); color: var(--accent-11);
  font-weight: 600; font-size: 10px }
#attach-box .attach-body { flex: 1; min-width: 0 }
#attach-box .attach-name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; color: var(--gray-12);
  font-weight: 500 }
#attach-box .attach-meta { color: var(--gray-11) }
#attach-box .attach-error { color: var(--red-11); white-space: normal }
#attach-box .attach-bar { height: 4px; margin-top: 3px; border-radius: 2px; background: var(--gray-a4);
  overflow: hidden }
#attach-box .attach-bar > span { display: block; height: 100%; width: 0; background: var(--accent-9);
  transition: width .15s }
#attach-box .attach-x { flex: none; width: 24px; height: 24px; border: 0; border-radius: 50%; cursor: pointer;
  background: transparent; color: var(--gray-11); font-size: 18px; line-height: 1 }
#attach-box .attach-x:hover { background: var(--gray-a4); color: var(--gray-12) }
#attach-box .attach-waiting { margin-top: 4px; color: var(--gray-11); font-size: var(--font-size-1) }
[data-kiko-waiting] { opacity: .5; cursor: wait }
[data-kiko-drag] { outline: 2px dashed var(--accent-9); outline-offset: -6px; background: var(--accent-a2) }
.message-files { display: flex; flex-direction: column; gap: 6px; max-width: 80%; min-width: 0 }
.message-file { max-width: 100% }
.file-thumb-button { padding: 0; border: 1px solid var(--gray-a5); border-radius: 12px; overflow: hidden;
  cursor: zoom-in; background: var(--gray-a2); display: block; width: fit-content; max-width: 100%; line-height: 0 }
.file-thumb-button:focus-visible { outline: 2px solid var(--accent-8); outline-offset: 2px }
.file-thumb-button img { display: block; max-width: 240px; max-height: 240px; object-fit: contain }
.file-card { display: flex; align-items: center; gap: 10px; padding: 8px 10px; border: 1px solid var(--gray-a6);
  border-radius: 12px; background: var(--color-panel-solid); min-width: 0; max-width: 300px }
.file-card-name { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; font-weight: 500 }
.message-files audio { max-width: 100%; width: 280px }
.message-files video { max-width: min(320px, 100%); max-height: 240px; border-radius: 12px; background: black }
"""


def attach_button(t: Texts, button_id: str, **props) -> rx.Component:
    """The paperclip that opens the file picker (assets/attach.js handles its click)."""
    return rx.icon_button(
        rx.icon("paperclip", size=18),
        type="button",
        id=button_id,
        variant="ghost",
        color_scheme="gray",
        aria_label=t("files.attach"),
        title=t("files.attach"),
        **props,
    )


def attach_box(
    t: Texts,
    *,
    upload_url: rx.Var | str,
    locale: rx.Var | str,
    sent: rx.Var,
    input_id: str,
    drop_id: str,
    scroll_id: str,
    send_id: str,
    button_id: str,
    visitor_key: str = "",
    preview: str = "server",
) -> rx.Component:
    """The tray of a composer, inside its form (the script adds the hidden field there).
    `preview`: "server" shows the route's thumbnail, "local" the picked file itself (the
    visitor's page has no cookie for the route)."""
    return rx.fragment(
        rx.el.style(_CSS),
        rx.script(src="/attach.js"),
        rx.box(
            id="attach-box",
            custom_attrs={
                "data-upload-url": upload_url,
                "data-visitor-key": visitor_key,
                "data-locale": locale,
                "data-sent": sent.to_string(),
                "data-input": input_id,
                "data-drop": drop_id,
                "data-scroll": scroll_id,
                "data-send": send_id,
                "data-button": button_id,
                "data-preview": preview,
                "data-max": str(FILES_PER_MESSAGE),
                "data-t-uploading": t("files.uploading"),
                "data-t-cancel": t("files.cancel"),
                "data-t-remove": t("files.remove"),
                "data-t-too-many": t("files.too_many"),
                "data-t-failed": t("files.failed"),
                "data-t-waiting": t("files.waiting"),
                "data-t-bytes": t("files.size_bytes"),
                "data-t-kb": t("files.size_kb"),
                "data-t-mb": t("files.size_mb"),
            },
        ),
    )


def _type_icon(kind: rx.Var) -> rx.Component:
    return rx.match(
        kind,
        ("image", rx.icon("file-image", size=22)),
        ("audio", rx.icon("file-audio", size=22)),
        ("video", rx.icon("file-video", size=22)),
        rx.icon("file-text", size=22),
    )


def _image(f: rx.Var, t: Texts) -> rx.Component:
    """A thumbnail; a click shows the picture full size in a dialog."""
    return rx.dialog.root(
        rx.dialog.trigger(
            rx.el.button(
                # Attributes, not CSS: the place is kept, and the picture still fits its box.
                rx.el.img(src=f["thumb"], alt=f["name"], custom_attrs={"width": f["w"], "height": f["h"]}),
                type="button",
                class_name="file-thumb-button",
                title=t("files.open"),
                aria_label=t("files.open"),
            ),
        ),
        rx.dialog.content(
            rx.dialog.title(f["name"], size="3", truncate=True),
            rx.center(
                rx.el.img(src=f["url"], alt=f["name"], style={"maxWidth": "100%", "maxHeight": "75vh"}),
                width="100%",
            ),
            rx.hstack(
                rx.el.a(
                    rx.button(rx.icon("download", size=16), t("files.download"), variant="soft", tab_index=-1),
                    href=f["url"],
                    download=f["name"],
                    reload_document=True,  # the browser's own download, not the app's router
                ),
                rx.dialog.close(rx.button(t("files.close"), variant="outline", color_scheme="gray")),
                justify="end",
                width="100%",
                margin_top="12px",
            ),
            max_width="min(94vw, 1100px)",
            class_name="file-lightbox",
        ),
    )


def _card(f: rx.Var, t: Texts) -> rx.Component:
    """Any file a browser does not show: its type, name and size, and a download link."""
    return rx.box(
        rx.box(_type_icon(f["type"]), color=rx.color("accent", 11), flex="none", display="flex"),
        rx.vstack(
            rx.text(f["name"], size="2", class_name="file-card-name", width="100%"),
            rx.text(f["ext"], " · ", f["size"], size="1", color_scheme="gray"),
            spacing="0",
            min_width="0",
            flex="1",
        ),
        rx.el.a(
            rx.icon("download", size=18),
            href=f["url"],
            download=f["name"],
            reload_document=True,  # the browser's own download, not the app's router
            title=t("files.download"),
            aria_label=t("files.download"),
            class_name="file-download",
            style={"display": "flex", "padding": "6px", "borderRadius": "8px", "color": "var(--accent-11)"},
        ),
        class_name="file-card",
        data_file_id=f["id"],
    )


def _file(f: rx.Var, t: Texts) -> rx.Component:
    return rx.box(
        rx.match(
            f["kind"],
            ("image", _image(f, t)),
            ("audio", rx.el.audio(src=f["url"], controls=True, preload="metadata")),
            ("video", rx.el.video(src=f["url"], controls=True, preload="metadata", plays_inline=True)),
            _card(f, t),
        ),
        class_name="message-file",
        data_kind=f["kind"],
        min_width="0",
    )


def attachment_list(files: rx.Var, t: Texts, *, mine: rx.Var | bool) -> rx.Component:
    """A message's files on its sender's side; nothing at all for a message without any."""
    return rx.cond(
        files.length() > 0,
        rx.box(
            rx.box(
                rx.foreach(files, lambda f: _file(f, t)),
                class_name="message-files",
                align_items=rx.cond(mine, "flex-end", "flex-start"),
            ),  # fmt: skip
            display="flex",
            justify_content=rx.cond(mine, "flex-end", "flex-start"),
            width="100%",
        ),
    )


def files_style() -> rx.Component:
    """The styles of `attachment_list` for a page without a composer tray."""
    return rx.el.style(_CSS)
