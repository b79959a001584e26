"""``xiaozu backup FILE|FOLDER [--keep N]`` and ``xiaozu restore FILE
[--force]``: a consistent copy of the data directory, taken while the kiosk
runs, and putting one back (``storage.backup``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from storage.backup import (
    BackupArchiveError,
    BackupResult,
    RestoreResult,
    create_backup,
    restore_backup,
)
from tui.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Commands
from tui.core.env import KioskEnv


def add_backup_commands(sub: Commands) -> None:
    """Add ``backup`` and ``restore`` to the command line's subcommands."""
    bak = sub.add_parser(
        "backup",
        help="write a consistent backup of the data directory (works while the kiosk runs)",
        description="Write the data directory (every document and the signing key) to one"
        " .tar.gz with a manifest of SHA-256 sums, consistent even while the kiosk writes."
        " The backup holds the key that signs badges: keep it like the keys to the room.",
    )
    bak.add_argument(
        "file",
        type=Path,
        metavar="FILE|FOLDER",
        help="the archive to write; a folder: xiaozu-backup-<YYYYMMDD-HHMMSS>.tar.gz in it",
    )
    bak.add_argument(
        "--keep",
        type=_parse_keep,
        metavar="N",
        help="with a folder: keep only the newest N xiaozu backups in it",
    )
    bak.set_defaults(run=cmd_backup)

    rst = sub.add_parser(
        "restore",
        help="check a backup and put it in place of the data directory",
        description="Check a backup completely (checksums, every file loads), then put it"
        " in the data directory. A directory that holds data is replaced only with"
        " --force, and its contents are first moved aside to"
        " <data>.before-restore-<time>, never deleted. Stop the kiosk first.",
    )
    rst.add_argument("file", type=Path, metavar="FILE", help="a backup made by xiaozu backup")
    rst.add_argument(
        "--force",
        action="store_true",
        help="replace a data directory that holds data (its contents are kept aside)",
    )
    rst.set_defaults(run=cmd_restore)


def _parse_keep(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"not a number of backups (1 or more): {text!r}")
    return int(text)


def cmd_backup(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    """Read-only on the data directory: no lock, so it runs beside the kiosk."""
    if args.keep is not None and not args.file.is_dir():
        print(
            env.t(
                "xiaozu: --keep 只能用于文件夹(备份写在文件夹中时才能清理旧备份)。",
                "xiaozu: --keep needs a folder (old backups are pruned only in a folder).",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    result = create_backup(env.data_dir, args.file, now=env.now(), keep=args.keep)
    _report_backup(env, result, out)
    return EXIT_OK if result.problem is None else EXIT_FINDINGS


def _report_backup(env: KioskEnv, result: BackupResult, out: TextIO) -> None:
    size = f"{max(1, round(result.size / 1024))} KB"
    print(
        env.t(
            f"备份已写入 {result.archive}({size})。",
            f"Backup written to {result.archive} ({size}).",
        ),
        file=out,
    )
    summary = result.summary
    if summary is not None:
        print(
            env.t(
                f"{summary.branch}:{summary.people} 人,{summary.meetings} 次会议,"
                f"{summary.plans} 份年度计划,共 {summary.files} 个文件;已核对,可以恢复。",
                f"{summary.branch}: {summary.people} people, {summary.meetings} meetings,"
                f" {summary.plans} annual plans, {summary.files} files; checked, restorable.",
            ),
            file=out,
        )
        if summary.sealed:
            print(env.t("封存记录校验通过。", "The sealed records verify."), file=out)
        if summary.has_secret:
            print(
                env.t(
                    "备份中含有签名密钥(secret.key),凭它可以制作胸卡:"
                    "请像保管会议室钥匙一样保管备份文件。",
                    "The backup holds the signing key (secret.key), with which badges can be"
                    " made: keep the backup like the keys to the room.",
                ),
                file=out,
            )
    if result.attempts > 1:
        print(
            env.t(
                f"复制时数据目录正在变化,第 {result.attempts} 次复制得到一致的副本。",
                f"The data changed while it was copied; try {result.attempts} got a"
                " consistent copy.",
            ),
            file=out,
        )
    for old in result.removed:
        print(env.t(f"已删除旧备份 {old.name}", f"Removed the old backup {old.name}"), file=out)
    problem = result.problem
    if problem is not None:
        what = (
            env.t(problem.what_zh, problem.what_en)
            if isinstance(problem, BackupArchiveError)
            else problem.message(env.lang)
        )
        print(
            env.t(
                f"xiaozu: 警告:{what}。数据目录中的数据本身有问题,恢复时会拒绝这个备份"
                "(请用 xiaozu check 查看,并尽快处理)。",
                f"xiaozu: warning: {what}. The data itself has a problem; a restore would"
                " refuse this backup (see xiaozu check, and deal with it soon).",
            ),
            file=sys.stderr,
        )


def cmd_restore(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    result = restore_backup(args.file, env.data_dir, now=env.now(), force=args.force)
    _report_restore(env, args.file, result, out)
    return EXIT_OK


def _report_restore(env: KioskEnv, archive: Path, result: RestoreResult, out: TextIO) -> None:
    summary = result.summary
    print(
        env.t(
            f"已从 {archive}(备份于 {result.created_at},xiaozu {result.xiaozu_version})"
            f"恢复到 {result.data_dir}:{summary.branch},{summary.people} 人,"
            f"{summary.meetings} 次会议,{summary.plans} 份年度计划。",
            f"Restored {archive} (taken {result.created_at}, xiaozu {result.xiaozu_version})"
            f" to {result.data_dir}: {summary.branch}, {summary.people} people,"
            f" {summary.meetings} meetings, {summary.plans} annual plans.",
        ),
        file=out,
    )
    if summary.sealed:
        print(env.t("封存记录校验通过。", "The sealed records verify."), file=out)
    if result.set_aside is not None:
        print(
            env.t(
                f"原有数据已移到 {result.set_aside}(未删除)。",
                f"The data that was there is now in {result.set_aside} (not deleted).",
            ),
            file=out,
        )
    if not summary.has_secret:
        print(
            env.t(
                "备份中没有签名密钥(secret.key):信息亭会生成新密钥,已打印的胸卡需要重新制作"
                "(xiaozu badges --reissue)。",
                "The backup holds no signing key (secret.key): the kiosk will make a new one,"
                " and printed badges must be made again (xiaozu badges --reissue).",
            ),
            file=out,
        )
