"""App assembly: pages, the HTTP API and lifespan tasks."""

import reflex as rx

from kiko_livechat.api import build_api
from kiko_livechat.pages import contacts, inbox, index, login, reports, settings

app = rx.App(
    api_transformer=build_api(),
    html_lang="de",
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
    ],
)

for page in (index, login, inbox, contacts, reports, settings):
    page.register(app)
