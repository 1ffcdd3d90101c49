"""Use cases: plain functions taking a database session; no reflex, no web framework.

Importing the package registers, before every commit, the alert routing (who an event
alerts), the webhook outbox and the alert e-mail queue, so every transaction that emits events
also writes their deliveries, whichever process commits it.
"""

from kiko_livechat.services import alert_mail as _alert_mail_queue  # noqa: F401
from kiko_livechat.services import webhooks as _webhook_outbox  # noqa: F401
