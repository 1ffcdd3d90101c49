"""Where attachment files live: a small interface, with a local directory as the embedded default.

Nothing outside this module knows a path: callers hold keys (random, never a user's file name)
and byte streams. An S3-compatible store is another implementation of `Storage` chosen in
`get_storage()`; nothing else changes.
"""

import os
import secrets
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from kiko_livechat.settings import get_settings

# A key: 32 hex characters from the system's random source.
KEY_CHARS = frozenset("0123456789abcdef")
KEY_LENGTH = 32


def new_key() -> str:
    return secrets.token_hex(KEY_LENGTH // 2)


def is_key(value: object) -> bool:
    """A key this storage could have made: nothing else ever reaches a path."""
    return isinstance(value, str) and len(value) == KEY_LENGTH and set(value) <= KEY_CHARS


class Writer(Protocol):
    key: str

    def write(self, chunk: bytes) -> None: ...

    def commit(self) -> None:
        """The file is complete: from now on it can be read under `key`."""

    def abort(self) -> None:
        """Nothing of it stays."""


class Storage(Protocol):
    def writer(self) -> Writer:
        """A new file under a new key, written in chunks; readable only once committed."""

    def open(self, key: str) -> BinaryIO:
        """The file's bytes (seekable); FileNotFoundError when there is none."""

    def size(self, key: str) -> int: ...

    def delete(self, key: str) -> None:
        """Gone (no error when it was already)."""

    def keys_older_than(self, seconds: float) -> Iterator[str]:
        """Committed files not changed for `seconds`: the sweep's candidates."""

    def local_path(self, key: str) -> Path | None:
        """Where the file lies on this machine, for the web server to send it by itself; None
        for a store elsewhere (its bytes are then streamed through the app)."""


class _LocalWriter:
    def __init__(self, root: Path) -> None:
        self.key = new_key()
        self._root = root
        self._partial = root / "partial" / f"{self.key}.part"
        self._partial.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: a key is never written twice, even by chance.
        self._file = os.fdopen(os.open(self._partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")

    def write(self, chunk: bytes) -> None:
        self._file.write(chunk)

    def commit(self) -> None:
        self._file.close()
        final = _path(self._root, self.key)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self._partial, final)

    def abort(self) -> None:
        self._file.close()
        self._partial.unlink(missing_ok=True)


def _path(root: Path, key: str) -> Path:
    if not is_key(key):
        raise FileNotFoundError(key)
    return root / key[:2] / key


class LocalStorage:
    """Files in a directory of this machine (KIKO_STORAGE_DIR), two levels deep by key.
    Unfinished uploads sit in `partial/` until committed."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def writer(self) -> _LocalWriter:
        return _LocalWriter(self.root)

    def open(self, key: str) -> BinaryIO:
        return open(_path(self.root, key), "rb")  # noqa: SIM115 - the caller closes it

    def size(self, key: str) -> int:
        return _path(self.root, key).stat().st_size

    def delete(self, key: str) -> None:
        try:
            _path(self.root, key).unlink(missing_ok=True)
        except FileNotFoundError:
            pass

    def local_path(self, key: str) -> Path | None:
        return _path(self.root, key)

    def keys_older_than(self, seconds: float) -> Iterator[str]:
        cutoff = time.time() - seconds
        if not self.root.is_dir():
            return
        for shard in self.root.iterdir():
            if len(shard.name) != 2 or not shard.is_dir():
                continue
            for entry in shard.iterdir():
                if is_key(entry.name) and entry.stat().st_mtime < cutoff:
                    yield entry.name
        # Uploads cut off by a crash never commit: their partial files go too.
        partial = self.root / "partial"
        if partial.is_dir():
            for entry in partial.iterdir():
                if entry.stat().st_mtime < cutoff:
                    entry.unlink(missing_ok=True)


@lru_cache
def get_storage() -> Storage:
    """The process's storage, from settings."""
    return LocalStorage(get_settings().storage_dir)
