"""Opaque tokens: what the client holds is random; what the database holds is its hash."""

import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """A fresh (plaintext, sha256-hex) pair; only the hash is ever stored."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
