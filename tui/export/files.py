"""Where an export goes and how it is written: a name that says what it is,
the bytes written atomically (a crash leaves the old file or the new, never
half), readable by the owner only (minutes name people and their reasons)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

from rules.models import FollowUpTask, Meeting, Organisation
from storage.atomic import write_atomically
from tui.export.minutes_content import minutes_document
from tui.export.minutes_md import minutes_markdown

MINUTES_FORMATS = ("docx", "md")
SUFFIXES = {"docx": ".docx", "md": ".md", "xlsx": ".xlsx"}

#: The kiosk's exports, inside its data directory (never read as data).
EXPORTS_FOLDER = "exports"


def minutes_file_name(meeting: Meeting, fmt: str) -> str:
    """xiaozu-minutes-<meeting id>.docx: the id holds the group and the date."""
    return f"xiaozu-minutes-{meeting.id}{SUFFIXES[fmt]}"


def ledger_file_name(year: int, group_id: str | None) -> str:
    return f"xiaozu-ledger-{year}-{group_id or 'all'}.xlsx"


def target_path(out: Path | None, default_folder: Path, name: str) -> Path:
    """``out`` if it names a file, ``name`` inside ``out`` if it is a folder,
    else ``name`` in ``default_folder``."""
    if out is None:
        return default_folder / name
    return out / name if out.is_dir() else out


def format_for(path: Path | None, requested: str | None) -> str | None:
    """The minutes format: as requested, else from the file's suffix, else
    Word. None when the suffix says something else than the request."""
    by_suffix = {".docx": "docx", ".md": "md", ".markdown": "md"}
    suffix = path.suffix.lower() if path is not None and not path.is_dir() else ""
    if requested is None:
        return by_suffix.get(suffix, "docx")
    if suffix and suffix in by_suffix and by_suffix[suffix] != requested:
        return None
    return requested


def minutes_bytes(
    meeting: Meeting,
    org: Organisation,
    tasks: Sequence[FollowUpTask],
    *,
    fmt: str,
    lang: str,
    tz: ZoneInfo,
) -> bytes:
    """The minutes of ``meeting`` as a file of format ``fmt`` (docx or md)."""
    document = minutes_document(meeting, org, tasks, lang=lang, tz=tz)
    if fmt == "md":
        return minutes_markdown(document).encode("utf-8")
    # Only here: python-docx is a tenth of a second of imports, which the
    # kiosk and the other commands need not pay (tests/test_import_hygiene.py).
    from tui.export.minutes_docx import minutes_docx

    return minutes_docx(document)


def write_export(path: Path, payload: bytes) -> None:
    """Write ``payload`` to ``path`` atomically; StorageWriteError if not."""
    write_atomically(path, payload)
