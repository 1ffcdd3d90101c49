"""Real-time delivery: the event bus and the one place that decides which client sees what.

The bus arrives with the live-chat issue; this package must stay free of reflex (import contract).
"""
