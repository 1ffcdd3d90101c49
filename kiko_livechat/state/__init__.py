"""Reflex states: display data plus handlers that each call a service."""
