"""Document stores: where each named document lives.

A document is one TinyDB database (one JSON object of tables) under a name
such as ``org``, ``meetings/2025/m-0107`` or ``plans/2025``. The repository
only speaks names; a store turns a name into a storage:

* ``FileDocumentStore`` — ``<root>/<name>.json`` through ``AtomicJSONStorage``;
* ``MemoryDocumentStore`` — bytes in a dictionary through ``MemoryJSONStorage``.

Both run the same marker checks and the same JSON encoding, in the spirit of
TinyDB's own ``JSONStorage`` / ``MemoryStorage`` pair.
"""

from __future__ import annotations

import hashlib
import os
import time
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Protocol

from storage.atomic import AtomicJSONStorage, MarkedJSONStorage, MemoryJSONStorage

SUFFIX = ".json"

#: A document changed less than this long ago is not fingerprinted: a second
#: change within the file system's clock tick could leave it looking the same
#: (git's "racy" files). Two seconds cover the coarsest clocks (FAT's).
SETTLE_NS = 2_000_000_000


class DocumentStore(Protocol):
    writable: bool

    def storage(self, name: str, kind: str) -> MarkedJSONStorage:
        """A fresh TinyDB storage for the document ``name`` of ``kind``."""
        ...

    def exists(self, name: str) -> bool: ...

    def names(self, pattern: str) -> list[str]:
        """Stored document names matching ``pattern`` (``*`` within one
        ``/``-separated segment), sorted."""
        ...

    def fingerprint(self, pattern: str) -> str | None:
        """A digest that changes whenever a document matching ``pattern`` is
        added, removed or changed, taken without reading them; None when one
        changed too recently to tell (``SETTLE_NS``)."""
        ...


class FileDocumentStore:
    def __init__(self, root: Path, *, writable: bool = True) -> None:
        self.root = root
        self.writable = writable

    def path(self, name: str) -> Path:
        return self.root / f"{name}{SUFFIX}"

    def storage(self, name: str, kind: str) -> MarkedJSONStorage:
        return AtomicJSONStorage(self.path(name), kind, writable=self.writable)

    def exists(self, name: str) -> bool:
        return self.path(name).exists()

    def names(self, pattern: str) -> list[str]:
        found = []
        for path in self.root.glob(f"{pattern}{SUFFIX}"):
            relative = path.relative_to(self.root).as_posix()
            # Hidden files (our temporary files among them) are never data.
            if not any(part.startswith(".") for part in relative.split("/")):
                found.append(relative.removesuffix(SUFFIX))
        return sorted(found)

    def fingerprint(self, pattern: str) -> str | None:
        # Each file's size, times and inode (a save replaces the file, so a
        # new inode and times): what git's index keeps of a file.
        digest = hashlib.blake2b(digest_size=16)
        settled = time.time_ns() - SETTLE_NS
        for name in self.names(pattern):
            try:
                st = os.stat(self.path(name))
            except FileNotFoundError:
                return None  # changing right now
            if max(st.st_mtime_ns, st.st_ctime_ns) >= settled:
                return None
            digest.update(
                f"{name}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_ctime_ns}\0{st.st_ino}\n".encode()
            )
        return digest.hexdigest()


class MemoryDocumentStore:
    def __init__(self) -> None:
        self.writable = True
        self.cells: dict[str, bytes] = {}

    def storage(self, name: str, kind: str) -> MarkedJSONStorage:
        return MemoryJSONStorage(self.cells, name, kind, writable=self.writable)

    def exists(self, name: str) -> bool:
        return name in self.cells

    def names(self, pattern: str) -> list[str]:
        wanted = pattern.split("/")
        return sorted(
            name
            for name in self.cells
            if len(parts := name.split("/")) == len(wanted)
            and all(fnmatchcase(part, want) for part, want in zip(parts, wanted, strict=True))
        )

    def fingerprint(self, pattern: str) -> str | None:
        # In memory the bytes themselves are at hand.
        digest = hashlib.blake2b(digest_size=16)
        for name in self.names(pattern):
            digest.update(f"{name}\0".encode())
            digest.update(hashlib.blake2b(self.cells[name], digest_size=16).digest())
        return digest.hexdigest()
