"""App assembly: pages, the HTTP API and lifespan tasks."""

import importlib
import pkgutil

import reflex as rx

import kiko_livechat.pages
from kiko_livechat.api import build_api
from kiko_livechat.api.fallback import line_breaks_in_api_paths
from kiko_livechat.api.security_headers import security_headers
from kiko_livechat.state.live import run_delivery
from kiko_livechat.workers import (
    deliver_webhooks,
    forget_old_login_failures,
    remind_unanswered,
    run_contact_imports,
    send_alert_emails,
    sweep_attachments,
    wake_snoozed_conversations,
)


class KikoApp(rx.App):
    """Reflex's app; the ASGI app it builds gets one guard outside everything (fallback.py)."""

    def __call__(self):
        return line_breaks_in_api_paths(super().__call__())


app = KikoApp(
    # Our routes first, then the security headers around everything (pages included).
    api_transformer=[build_api(), security_headers],
    html_lang="de",
    head_components=[
        rx.el.meta(name="viewport", content="width=device-width, initial-scale=1"),
        rx.el.link(rel="icon", href="/favicon.svg", type="image/svg+xml"),
    ],
)

# Every module in pages/ is one route (or a few) and registers itself.
for _module in pkgutil.iter_modules(kiko_livechat.pages.__path__):
    importlib.import_module(f"kiko_livechat.pages.{_module.name}").register(app)

# Chat events reach the browsers connected to this worker.
app.register_lifespan_task(run_delivery)
# Snoozed conversations reopen when their time has come.
app.register_lifespan_task(wake_snoozed_conversations)
# Handoffs nobody answered in time: agents reminded, the visitor offered to leave an e-mail.
app.register_lifespan_task(remind_unanswered)
# Webhooks to the bot and other systems, from the durable outbox.
app.register_lifespan_task(deliver_webhooks)
# E-mails (alerts to agents, transcripts, invitations, login warnings), from their durable queue.
app.register_lifespan_task(send_alert_emails)
# Failed logins older than the throttle remembers are deleted.
app.register_lifespan_task(forget_old_login_failures)
# Uploads nobody sent and files of deleted conversations leave the storage.
app.register_lifespan_task(sweep_attachments)
# Contact imports run in batches, resumed by any worker if one stops.
app.register_lifespan_task(run_contact_imports)
