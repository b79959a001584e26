"""What can go wrong taking, reading and restoring a backup."""

from __future__ import annotations

from pathlib import Path

from storage.errors import StorageError


class BackupError(StorageError):
    """A backup could not be taken, or a restore was refused. Nothing changed."""


class BackupUnsettled(BackupError):
    """The data directory kept changing while it was being copied."""

    def __init__(self, data_dir: Path, attempts: int) -> None:
        super().__init__(
            f"数据目录 {data_dir} 在复制过程中一直在变化(试了 {attempts} 次),"
            "没有写出备份。请稍后再试(例如会议间隙)。",
            f"The data directory {data_dir} kept changing while it was being copied"
            f" ({attempts} tries); no backup was written. Try again in a moment"
            " (between meetings, say).",
            path=data_dir,
        )


class NothingToBackUp(BackupError):
    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"数据目录 {data_dir} 中没有数据,没有可备份的内容。请检查 --data 或 XIAOZU_DATA。",
            f"The data directory {data_dir} holds no data, so there is nothing to back up."
            " Check --data or XIAOZU_DATA.",
            path=data_dir,
        )


class BackupArchiveError(BackupError):
    """The archive is damaged, foreign, or from a newer xiaozu. Nothing changed."""

    def __init__(self, archive: Path, zh: str, en: str, *, newer: bool = False) -> None:
        self.archive = archive
        self.newer = newer
        # What is wrong, without what it means for a restore (a backup being
        # checked right after it was taken says it its own way).
        self.what_zh = f"备份 {archive} {zh}"
        self.what_en = f"The backup {archive} {en}"
        zh_full = f"{self.what_zh}。没有恢复任何内容,数据目录未被改动。"
        en_full = f"{self.what_en}. Nothing was restored; the data directory is unchanged."
        if newer:
            zh_full += "请先把 xiaozu 升级到最新版本,再恢复这个备份。"
            en_full += " Upgrade xiaozu to the latest version, then restore this backup."
        else:
            zh_full += "请换一个备份文件(例如前一天的)。"
            en_full += " Use another backup file (the day before's, say)."
        super().__init__(zh_full, en_full, path=archive)


class SealsDoNotVerify(BackupArchiveError):
    """The copy's sealed minutes or addenda do not verify (rules.meeting.seal)."""

    def __init__(self, archive: Path, first_zh: str, first_en: str, count: int) -> None:
        more_zh = f"等 {count} 处" if count > 1 else ""
        more_en = f" ({count} problems in all)" if count > 1 else ""
        super().__init__(
            archive,
            f"中的封存记录校验未通过{more_zh}:{first_zh}(可用 xiaozu verify 查看全部)",
            f"holds sealed records that do not verify{more_en}: {first_en}"
            " (xiaozu verify lists them all)",
        )


class RestoreRefused(BackupError):
    """The data directory holds data and ``force`` was not given."""

    def __init__(self, data_dir: Path) -> None:
        super().__init__(
            f"数据目录 {data_dir} 中已有数据,没有恢复(没有任何改动)。如确要用备份替换它,"
            "请加 --force:原有数据会先整体移到 "
            f"{data_dir.name}.before-restore-<时间>(与它同一上级目录),不会删除。",
            f"The data directory {data_dir} already holds data; nothing was restored (nothing"
            " changed). To replace it by the backup, add --force: the data there is first moved"
            f" aside, whole, to {data_dir.name}.before-restore-<time> beside it, never deleted.",
            path=data_dir,
        )
