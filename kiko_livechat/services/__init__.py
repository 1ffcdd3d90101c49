"""Use cases. Plain functions taking a database session and keyword arguments.

No reflex, starlette or fastapi in here: the UI states and the HTTP API both call these.
"""
