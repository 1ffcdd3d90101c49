"""Password hashing: argon2id through the passlib API (libpass)."""

from functools import cache

from passlib.context import CryptContext

from kiko_livechat.settings import get_settings


@cache
def _context() -> CryptContext:
    # argon2 in passlib defaults to the argon2id variant; hashes made with other costs are
    # upgraded on the next login (needs_rehash).
    settings = get_settings()
    return CryptContext(
        schemes=["argon2"],
        deprecated="auto",
        argon2__memory_cost=settings.password_memory_kib,
        argon2__rounds=settings.password_time_cost,
    )


@cache
def _dummy_hash() -> str:
    # Verified against when the e-mail is unknown, so both cases take the same time.
    return _context().hash("kiko-timing-equaliser")


def hash_password(password: str) -> str:
    return _context().hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True if `password` matches; with no hash, spends the same time and says False."""
    if password_hash is None:
        _context().verify(password, _dummy_hash())
        return False
    return _context().verify(password, password_hash)


def needs_rehash(password_hash: str) -> bool:
    return _context().needs_update(password_hash)
