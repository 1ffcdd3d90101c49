"""Use cases: plain functions taking a database session; no reflex, no web framework.

Importing the package registers the webhook outbox, so every transaction that emits events also
writes their webhook deliveries, whichever service or process commits it.
"""

from kiko_livechat.services import webhooks as _webhook_outbox  # noqa: F401
