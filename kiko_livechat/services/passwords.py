"""Password hashing: argon2id through the passlib API (libpass)."""

from passlib.context import CryptContext

# argon2 in passlib defaults to the argon2id variant; old hashes get upgraded on login.
_context = CryptContext(schemes=["argon2"], deprecated="auto")

# Verified against when the e-mail is unknown, so both cases take the same time.
_DUMMY_HASH = _context.hash("kiko-timing-equaliser")


def hash_password(password: str) -> str:
    return _context.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    """True if `password` matches; with no hash, spends the same time and says False."""
    if password_hash is None:
        _context.verify(password, _DUMMY_HASH)
        return False
    return _context.verify(password, password_hash)


def needs_rehash(password_hash: str) -> bool:
    return _context.needs_update(password_hash)
