"""What can go wrong with a data directory, said so that a user can act on it.

Every error carries a Chinese and an English text (``message("zh")`` /
``message("en")``); ``str(error)`` gives both. Each says what is wrong, which
file or directory it concerns, and what to do next.
"""

from __future__ import annotations

import errno
from enum import StrEnum
from pathlib import Path


class StorageError(Exception):
    """Base class of everything ``storage`` raises on purpose."""

    def __init__(self, zh: str, en: str, *, path: Path | None = None) -> None:
        super().__init__(f"{zh}\n{en}")
        self.path = path
        self._zh = zh
        self._en = en

    def message(self, lang: str = "zh") -> str:
        """The message in ``lang`` ("zh" or "en"; anything else gives both)."""
        if lang.lower().startswith("zh"):
            return self._zh
        if lang.lower().startswith("en"):
            return self._en
        return f"{self._zh}\n{self._en}"


class DataFileProblem(StrEnum):
    """Why a data file could not be used."""

    TRUNCATED = "truncated"  # ends part-way (or is empty)
    NOT_JSON = "not_json"  # not JSON text at all
    FOREIGN = "foreign"  # JSON, but not a xiaozu data file
    WRONG_KIND = "wrong_kind"  # a xiaozu file of another kind in this place
    NEWER_SCHEMA = "newer_schema"  # written by a newer xiaozu
    UNKNOWN_SCHEMA = "unknown_schema"  # a schema number this xiaozu never wrote
    INVALID = "invalid"  # ours, but a record does not fit (missing field, wrong type)
    UNREADABLE = "unreadable"  # the operating system refused to read it


_PROBLEM_TEXT: dict[DataFileProblem, tuple[str, str]] = {
    DataFileProblem.TRUNCATED: (
        "已损坏:文件不完整(内容在中途中断)",
        "is damaged: it is incomplete (the content stops part-way)",
    ),
    DataFileProblem.NOT_JSON: (
        "已损坏:不是有效的 JSON 文本",
        "is damaged: it is not valid JSON text",
    ),
    DataFileProblem.FOREIGN: (
        "不是 xiaozu 的数据文件(可能属于其他程序)",
        "is not a xiaozu data file (it may belong to another program)",
    ),
    DataFileProblem.WRONG_KIND: (
        "是 xiaozu 的数据文件,但种类不对",
        "is a xiaozu data file, but of the wrong kind for this place",
    ),
    DataFileProblem.NEWER_SCHEMA: (
        "由更新版本的 xiaozu 写入,本版本无法读取",
        "was written by a newer version of xiaozu, which this version cannot read",
    ),
    DataFileProblem.UNKNOWN_SCHEMA: (
        "的数据格式版本无法识别",
        "has a data format version this xiaozu does not know",
    ),
    DataFileProblem.INVALID: (
        "的内容有误",
        "has invalid content",
    ),
    DataFileProblem.UNREADABLE: (
        "无法读取",
        "cannot be read",
    ),
}


class DataFileError(StorageError):
    """A data file is damaged, foreign, or from a newer xiaozu.

    The file is never written over: it is left exactly as it was found.
    """

    def __init__(
        self,
        problem: DataFileProblem,
        where: Path | str,
        detail: str = "",
    ) -> None:
        self.problem = problem
        self.where = str(where)
        self.detail = detail
        what_zh, what_en = _PROBLEM_TEXT[problem]
        zh = f"数据文件 {self.where} {what_zh}"
        en = f"The data file {self.where} {what_en}"
        if detail:
            zh += f"({detail})"
            en += f" ({detail})"
        zh += "。该文件未被改动。"
        en += ". The file was left untouched."
        if problem is DataFileProblem.NEWER_SCHEMA:
            zh += "请将 xiaozu 升级到最新版本后再打开此数据目录。"
            en += " Upgrade xiaozu to the latest version, then open this data directory again."
        elif problem is DataFileProblem.UNREADABLE:
            zh += "请检查文件权限,或从备份恢复该文件。"
            en += " Check the file's permissions, or restore it from a backup."
        else:
            zh += "请从备份恢复该文件,或将它移出数据目录后重试。"
            en += " Restore it from a backup, or move it out of the data directory and try again."
        super().__init__(zh, en, path=where if isinstance(where, Path) else None)


def _os_reason(error: OSError | None) -> tuple[str, str, str, str]:
    """What went wrong and what to do, in Chinese and English."""
    code = error.errno if error is not None else None
    if code in (errno.ENOSPC, errno.EDQUOT):
        return "磁盘空间已满", "the disk is full", "请释放磁盘空间后重试", "Free some disk space"
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (
            "数据目录是只读的或没有写入权限",
            "the data directory is read-only or not writable",
            "请检查数据目录的权限(或用 --data 选择另一个目录)后重试",
            "Check the data directory's permissions (or choose another with --data)",
        )
    text = (error.strerror or str(error)) if error is not None else "unknown"
    return (
        f"系统错误:{text}",
        f"system error: {text}",
        "请检查磁盘和数据目录后重试",
        "Check the disk and the data directory",
    )


class StorageWriteError(StorageError):
    """A change could not be saved. The previous file stays as it was."""

    def __init__(
        self,
        path: Path | str,
        error: OSError | None = None,
        *,
        read_only: bool = False,
    ) -> None:
        self.os_error = error
        where = str(path)
        if read_only:
            zh = f"数据目录 {where} 以只读方式打开(供查看和检查),不能保存修改。"
            en = (
                f"The data directory {where} was opened read-only (for viewing and checks), "
                "so changes cannot be saved."
            )
        else:
            reason_zh, reason_en, hint_zh, hint_en = _os_reason(error)
            zh = f"无法保存 {where}:{reason_zh}。刚才的修改没有保存,原有文件未被改动。{hint_zh}。"
            en = (
                f"Could not save {where}: {reason_en}. The change was not saved and the "
                f"previous file is unchanged. {hint_en}, then try again."
            )
        super().__init__(zh, en, path=path if isinstance(path, Path) else None)


class DataDirBusy(StorageError):
    """Another process is already writing this data directory."""

    def __init__(self, data_dir: Path, pid: int | None) -> None:
        self.data_dir = data_dir
        self.pid = pid
        who_zh = f"另一个 xiaozu 程序(进程号 {pid})" if pid else "另一个 xiaozu 程序"
        who_en = f"Another xiaozu (pid {pid})" if pid else "Another xiaozu program"
        zh = (
            f"{who_zh}正在使用数据目录 {data_dir}。同一时间只能有一个程序写入。"
            "请先关闭那个程序后重试;只读命令(如 xiaozu check)可以同时使用。"
        )
        en = (
            f"{who_en} is using the data directory {data_dir}; only one program may write it "
            "at a time. Close that program and try again; read-only commands such as "
            "`xiaozu check` work meanwhile."
        )
        super().__init__(zh, en, path=data_dir)


class FinalisedRecordError(StorageError):
    """An attempt to change finalised minutes (R3)."""

    def __init__(self, meeting_id: str, fields: tuple[str, ...], path: Path | None = None) -> None:
        self.meeting_id = meeting_id
        self.fields = fields
        names = ", ".join(fields)
        zh = (
            f"会议 {meeting_id} 的记录已定稿,不能再修改(涉及:{names})。"
            "如需更正,请添加一条注明日期的补充说明。"
        )
        en = (
            f"The minutes of meeting {meeting_id} are finalised and cannot change "
            f"(fields: {names}). To correct them, add a dated addendum."
        )
        super().__init__(zh, en, path=path)


class RecordNotFoundError(StorageError, LookupError):
    """Something a call relies on is not stored (no organisation yet, an
    unknown meeting or person)."""

    def __init__(self, zh: str, en: str, *, path: Path | None = None) -> None:
        super().__init__(zh, en, path=path)
