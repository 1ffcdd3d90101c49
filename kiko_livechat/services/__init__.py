"""Use cases: plain functions taking a database session; no reflex, no web framework.

A service that changes something commits through `changes.commit`, which routes its events'
alerts and writes their e-mails and webhook deliveries before the COMMIT (services/changes.py).
"""
