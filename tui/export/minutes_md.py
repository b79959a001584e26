"""The minutes as Markdown: the same parts as the Word document, for e-mail,
a wiki or a Git repository of records."""

from __future__ import annotations

import re

from tui.export.minutes_content import Heading, MinutesDocument, Para, Table

# Characters that would turn a person's words into Markdown formatting.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|#])")


def escape(text: str) -> str:
    """``text`` shown as typed, not read as Markdown."""
    return _SPECIAL.sub(r"\\\1", text)


def _lines(text: str) -> str:
    """Line breaks inside a paragraph kept (Markdown's two-space break)."""
    return "  \n".join(escape(line) for line in text.strip("\n").split("\n"))


def _cell(text: str) -> str:
    return "<br>".join(escape(line) for line in text.split("\n"))


def minutes_markdown(document: MinutesDocument) -> str:
    out: list[str] = [f"# {escape(document.title)}", ""]
    for note in document.notes:
        out += [f"> {'**' + escape(note) + '**' if document.draft else escape(note)}", ""]
    for label, value in document.head:
        out.append(
            f"- **{escape(label)}**:{_lines(value)}"
            if document.lang != "en"
            else f"- **{escape(label)}:** {_lines(value)}"
        )
    out.append("")
    for block in document.blocks:
        if isinstance(block, Heading):
            out += [f"{'#' * (block.level + 1)} {escape(block.text)}", ""]
        elif isinstance(block, Para):
            lead = f"**{escape(block.lead.strip())}** " if block.lead else ""
            out += [f"{lead}{_lines(block.text)}", ""]
        elif isinstance(block, Table):
            out.append("| " + " | ".join(_cell(h) for h in block.header) + " |")
            out.append("|" + "---|" * len(block.header))
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in block.rows]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"
