"""The kiosk's signing key: the secret behind the QR codes, form tickets,
phone cookies and badges (rules.meeting.signin).

It lives in ``<data>/secret.key``, readable by the kiosk's user only, and
never in the meeting data: a copy of the records (a backup, a report) does
not let anyone make codes or badges. The file is made once, when first
needed, through the same atomic write as every data file (its temporary
file is created owner-only, so the key is never readable by others, not even
for a moment). A file that is there but not a key is never overwritten: the
kiosk says so, as for any damaged data file — making a new key would quietly
revoke every badge.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Final

from storage.atomic import write_atomically
from storage.errors import DataFileError, DataFileProblem

SECRET_NAME: Final = "secret.key"
KEY_BYTES: Final = 32
_HEADER: Final = "xiaozu-secret-v1"
_FORMAT = re.compile(rf"{_HEADER}\n([0-9a-f]{{{2 * KEY_BYTES}}})\n?", re.ASCII)


def secret_path(data_dir: Path) -> Path:
    return data_dir / SECRET_NAME


def read_secret(data_dir: Path) -> bytes | None:
    """The key, or None when there is none yet. Tightens the file to
    owner-only if it was readable by others. Raises DataFileError for a file
    that is not a key (left untouched)."""
    path = secret_path(data_dir)
    try:
        raw = path.read_bytes()
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise DataFileError(DataFileProblem.UNREADABLE, path, exc.strerror or "") from exc
    try:
        match = _FORMAT.fullmatch(raw.decode("ascii"))
    except UnicodeDecodeError:
        match = None
    if match is None:
        raise DataFileError(DataFileProblem.FOREIGN, path, "not a xiaozu signing key")
    if stat.S_IMODE(mode) & 0o077:
        # Others could read it: close that now. Where that is not possible (a
        # read-only copy), reading it is still better than refusing.
        with contextlib.suppress(OSError):
            os.chmod(path, 0o600)
    return bytes.fromhex(match.group(1))


def load_or_create_secret(data_dir: Path) -> bytes:
    """The key, made (owner-only, durably) if there is none yet."""
    found = read_secret(data_dir)
    if found is not None:
        return found
    key = secrets.token_bytes(KEY_BYTES)
    write_atomically(secret_path(data_dir), f"{_HEADER}\n{key.hex()}\n".encode("ascii"))
    return key
