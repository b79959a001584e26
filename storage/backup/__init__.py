"""Backup and restore of a data directory (``xiaozu backup`` / ``xiaozu restore``).

A backup is one gzip-compressed tar archive::

    manifest.json          {"app": "xiaozu", "kind": "backup", "format": 1,
                            "xiaozu_version", "schema", "created_at", "source",
                            "files": [{"path", "size", "sha256"}, ...]}
    data/org.json          every ``*.json`` document of the data directory,
    data/meetings/...      found by pattern (meetings, plans and any other
    data/plans/...         document folder), and ``secret.key``;
    data/secret.key        never ``.lock``, ``logs/`` or temporary files
    data/signins.journal   sign-ins not yet folded into their meetings' files

**Taking a backup while the kiosk runs.** The backup is read-only: it takes no
lock and writes nothing in the data directory. Every file is replaced
atomically by rename, so each file read is whole, but files can change between
two reads. So the copy is taken like this: list the files and note each one's
identity (inode, size, modification time in nanoseconds, change time), read
them all, then list and note them again. If nothing changed, every byte read
was on disk at the moment of the second listing: a state the kiosk really
had. If something changed, start again (a few times, with growing pauses; the
kiosk writes at a person's pace, so the second try almost always succeeds).
The copy is then checked as a restore would check it. One real state does
not verify: sealing minutes writes the meeting's file and then the chain's
head in org.json (rules.meeting.seal), so a copy taken between the two is taken
again; seals that still do not verify are reported, and the archive is
written all the same (it may be all there is).

**Restoring.** The archive is checked completely before anything changes:
the manifest, every file's SHA-256, every JSON file's marker and schema, and
the records loaded by a read-only ``FileRepository`` over the extracted copy
(and the seals, where the data carries them). A data directory that holds
data is replaced only when asked (``force``); its contents are then first
moved aside to ``<data>.before-restore-<time>`` (never deleted), and the
restored files are put in place, all under the directory's lock, so a running
kiosk makes the restore refuse with :class:`DataDirBusy`.

The archive holds ``secret.key``, the key that signs badges and phone
cookies: a backup is a secret, to be kept like the keys to the room.

The modules, by what they do: ``archive`` (the archive's format, written and
read back), ``take`` (a settled copy of a running kiosk's files, written as
a backup), ``check`` (a copy checked as a restore checks it), ``restore``
(putting a checked copy in place) and ``errors``.
"""

from storage.backup.archive import (
    BACKUP_FORMAT,
    BACKUP_KIND,
    MANIFEST_NAME,
    CheckedArchive,
    archive_bytes,
    backup_name,
    is_backed_up,
    manifest_for,
    read_archive,
    xiaozu_version,
)
from storage.backup.check import Summary, check_data_copy, verify_seals
from storage.backup.errors import (
    BackupArchiveError,
    BackupError,
    BackupUnsettled,
    NothingToBackUp,
    RestoreRefused,
    SealsDoNotVerify,
)
from storage.backup.restore import RestoreResult, holds_data, restore_backup
from storage.backup.take import BackupResult, Snapshot, create_backup, snapshot

__all__ = [
    "BACKUP_FORMAT",
    "BACKUP_KIND",
    "MANIFEST_NAME",
    "BackupArchiveError",
    "BackupError",
    "BackupResult",
    "BackupUnsettled",
    "CheckedArchive",
    "NothingToBackUp",
    "RestoreRefused",
    "RestoreResult",
    "SealsDoNotVerify",
    "Snapshot",
    "Summary",
    "archive_bytes",
    "backup_name",
    "check_data_copy",
    "create_backup",
    "holds_data",
    "is_backed_up",
    "manifest_for",
    "read_archive",
    "restore_backup",
    "snapshot",
    "verify_seals",
    "xiaozu_version",
]
