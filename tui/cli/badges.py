"""``xiaozu badges [--group G] [--out PATH] [--reissue PERSON ...]``: issue the
party members' QR badges (read by the kiosk's USB scanner) and write a
printable sheet of them (HTML, ``tui.badges``)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TextIO

from rules.meeting.signin import badge_token
from rules.models import Group, Person
from rules.organisation.lookup import LookupProblem, find_group, find_person
from storage import FileRepository, StorageWriteError
from storage.atomic import write_atomically
from tui.badges import badge_sheet_html
from tui.cli.common import EXIT_OK, EXIT_USAGE, Commands, lookup_failed, no_data, unwritable
from tui.core.env import KioskEnv


def add_badges_command(sub: Commands) -> None:
    """Add ``badges`` to the command line's subcommands."""
    bdg = sub.add_parser(
        "badges",
        help="issue the party members' personal QR badges and write a printable sheet",
        description="Issue each party member's personal QR badge (read by the kiosk's"
        " USB scanner) and write an HTML sheet of them to print on A4 (or save as PDF"
        " from the browser). Badges already issued keep their version; --reissue makes"
        " a new badge for a person, which revokes their older ones.",
    )
    bdg.add_argument(
        "--group", metavar="G", help="a group, by name or id (default: every active group)"
    )
    bdg.add_argument(
        "--out",
        type=Path,
        metavar="PATH",
        help="the sheet's file, .html (default: ./xiaozu-badges-<group|all>-<YYYYMMDD>.html;"
        " a folder: that name in it)",
    )
    bdg.add_argument(
        "--reissue",
        action="append",
        default=[],
        metavar="PERSON",
        help="make a new badge for this person (a name or the id on the badge), revoking the"
        " old one (repeatable)",
    )
    bdg.set_defaults(run=cmd_badges)


def cmd_badges(env: KioskEnv, args: argparse.Namespace, out: TextIO) -> int:
    """Check everything first (the group, the people to reissue, where the
    sheet goes), then issue the badges (at most two writes of org.json: the
    reissued, then the first badges), then write the sheet atomically. If the
    sheet cannot be written after all, the badges stay issued; running the
    command again without --reissue prints the same badges."""
    today = env.now().date()
    with FileRepository(env.data_dir, writable=True) as repo:
        org = repo.organisation()
        if org is None:
            print(no_data(env), file=sys.stderr)
            return EXIT_USAGE
        try:  # by name or id (rules.organisation.lookup)
            group = find_group(org, args.group) if args.group is not None else None
            reissued = list(dict.fromkeys(find_person(org, who).id for who in args.reissue))
        except LookupProblem as unknown:
            print(lookup_failed(env, unknown), file=sys.stderr)
            return EXIT_USAGE
        groups = [group.id] if group is not None else [g.id for g in org.active_groups]
        members = [p for g in groups for p in org.members_of(g)]
        if not members:
            print(
                env.t(
                    "xiaozu: 没有可制作胸卡的党员(所选党小组中没有正式或预备党员)。",
                    "xiaozu: no one to make a badge for (no full or probationary"
                    " party member in the chosen groups).",
                ),
                file=sys.stderr,
            )
            return EXIT_USAGE
        member_ids = {p.id for p in members}
        strangers = [p for p in reissued if p not in member_ids]
        if strangers:
            print(_not_in_set(env, strangers, group), file=sys.stderr)
            return EXIT_USAGE
        path = _sheet_path(args.out, group.id if group else "all", today)
        problem = _not_html(env, path) or unwritable(env, path, NO_BADGE_MADE)
        if problem:
            print(problem, file=sys.stderr)
            return EXIT_USAGE

        before = repo.badge_versions()
        if reissued:
            repo.issue_badges(reissued, reissue=True)
        versions = repo.issue_badges([p.id for p in members])
        secret = repo.kiosk_secret()
    badges = [(p, badge_token(secret, p.id, versions[p.id]), versions[p.id]) for p in members]
    html = badge_sheet_html(org, badges, env.lang, today)
    try:
        write_atomically(path, html.encode("utf-8"))
    except StorageWriteError as exc:
        print(f"xiaozu: {exc.message(env.lang)}", file=sys.stderr)
        print(
            env.t(
                "胸卡已制作(已记录),但胸卡页没有写出。"
                "不带 --reissue 再运行一次即可得到同样的胸卡。",
                "The badges were issued (and recorded), but the sheet was not written."
                " Run the command again without --reissue to get the same badges.",
            ),
            file=sys.stderr,
        )
        return EXIT_USAGE
    _report_badges(env, path, members, before, reissued, versions, out)
    return EXIT_OK


def _not_in_set(env: KioskEnv, person_ids: list[str], group: Group | None) -> str:
    where_zh = f"{group.name}({group.id})的党员" if group else "各党小组的党员"
    where_en = f"of {group.name} ({group.id})" if group else "of a group"
    return env.t(
        f"xiaozu: {'、'.join(person_ids)} 不是{where_zh},不能补发胸卡。没有制作任何胸卡。"
        "(ID 印在胸卡上,也可在胸卡页中查到。)",
        f"xiaozu: {', '.join(person_ids)}: not a party member {where_en}, so no badge can be"
        " reissued. No badge was made. (The ID is printed on each badge.)",
    )


def _sheet_path(out: Path | None, label: str, day: date) -> Path:
    name = f"xiaozu-badges-{label}-{day:%Y%m%d}.html"
    if out is None:
        return Path.cwd() / name
    return out / name if out.is_dir() else out


#: What the command did not do when the sheet cannot be written.
NO_BADGE_MADE = ("没有制作任何胸卡。", "no badge was made.")


def _not_html(env: KioskEnv, path: Path) -> str | None:
    """Why the sheet cannot go to ``path`` by its name, or None."""
    if path.suffix.lower() not in (".html", ".htm"):
        return env.t(
            f"xiaozu: 胸卡页是 HTML 文件,请用 .html 结尾的文件名(而不是 {path.name})。"
            "要 PDF 时,在浏览器中打开它,打印时选“另存为 PDF”。",
            f"xiaozu: the sheet is an HTML file; give a name ending in .html (not {path.name})."
            " For a PDF, open it in a browser and print it to PDF.",
        )
    return None


def _report_badges(
    env: KioskEnv,
    path: Path,
    members: Sequence[Person],
    before: dict[str, int],
    reissued: Sequence[str],
    versions: dict[str, int],
    out: TextIO,
) -> None:
    by_id = {p.id: p for p in members}

    def names(ids: Sequence[str]) -> str:
        return env.t("、", ", ").join(
            env.t(
                f"{by_id[i].name}({i},第{versions[i]}版)",
                f"{by_id[i].name} ({i}, version {versions[i]})",
            )
            for i in ids
        )

    print(
        env.t(
            f"胸卡页已写入 {path}:{len(members)} 张胸卡。请用浏览器打开,在 A4 纸上打印。",
            f"Badge sheet written to {path}: {len(members)} badges."
            " Open it in a browser and print it on A4.",
        ),
        file=out,
    )
    new = [p.id for p in members if p.id not in before and p.id not in reissued]
    if new:
        print(env.t(f"新制作:{names(new)}", f"Newly issued: {names(new)}"), file=out)
    if reissued:
        print(
            env.t(
                f"补发(旧卡已失效):{names(reissued)}",
                f"Reissued (older badges revoked): {names(reissued)}",
            ),
            file=out,
        )
    if not new and not reissued:
        print(
            env.t("没有新制作的胸卡,版本不变。", "No badge is new; versions unchanged."), file=out
        )
