"""Every module imports at its top, save a few listed here, each kept for a
start-up reason its comment gives (like harlequin's test_import_hygiene):
the test fails when an import appears inside a function that is not on the
list, and when one on the list is gone (take it off). Imports under
``if TYPE_CHECKING:`` are for the type checker only and are not counted.

Then the reasons themselves: what the lock screen and the commands start
without."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (module file, module imported) for each import inside a function.
DELAYED = {
    # the commands' modules, only once a command is given (the kiosk runs none)
    ("tui/cli/__init__.py", "tui.cli.commands"),
    # Textual and the screens, only for the kiosk (the commands run without)
    ("tui/cli/__init__.py", "tui.app"),
    # openpyxl (a fifth of a second), only for a ledger or a roster workbook
    ("tui/cli/export_tables.py", "tui.export.ledger_xlsx"),
    ("tui/roster_file.py", "openpyxl"),
    # python-docx (a tenth of a second), only for a Word document
    ("tui/export/files.py", "tui.export.minutes_docx"),
    # behind the lock screen: the phone page (Starlette, uvicorn), and home
    # with every screen it opens (some 55 ms each)
    ("tui/app.py", "tui.phone.server"),
    ("tui/app.py", "tui.screens.home"),
    # platformdirs, only when the data directory is the default one
    ("storage/datadir.py", "platformdirs"),
}


def _delayed_imports() -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    for package in ("rules", "storage", "tui"):
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in ast.walk(tree):
                if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for node in ast.walk(function):
                    name = str(path.relative_to(ROOT))
                    if isinstance(node, ast.Import):
                        found.update((name, alias.name) for alias in node.names)
                    elif isinstance(node, ast.ImportFrom) and node.module:
                        found.add((name, node.module))
    return found


def test_only_the_listed_imports_are_delayed() -> None:
    found = _delayed_imports()
    assert found - DELAYED == set(), "a new import inside a function: move it to the top"
    assert DELAYED - found == set(), "a listed delayed import is gone: take it off the list"


def _loaded(code: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
    )
    return result.stdout.split()


def test_the_lock_screen_starts_without_what_comes_behind_it() -> None:
    """The app with its lock screen imports neither the phone page's stack
    nor the screens behind the lock screen, nor the documents' libraries."""
    heavy = ["uvicorn", "starlette", "tui.phone.server", "tui.screens.home", "openpyxl", "docx"]
    code = f"import sys, tui.app; print(*[m for m in {heavy!r} if m in sys.modules])"
    assert _loaded(code) == []


def test_the_commands_start_without_the_documents_libraries() -> None:
    """Reading a command's line (every command's module imported) loads
    neither openpyxl nor python-docx, nor Textual."""
    heavy = ["openpyxl", "docx", "textual"]
    code = (
        "import sys; from tui.cli import parse_args; parse_args(['check']); "
        f"print(*[m for m in {heavy!r} if m in sys.modules])"
    )
    assert _loaded(code) == []


def test_no_module_imports_itself_through_others() -> None:
    """No import cycles among the modules of rules/, storage/ and tui/ (the
    layers contracts in pyproject.toml keep the packages in order; this
    keeps the modules within them so): a cycle found is named."""
    import grimp  # import-linter's own graph (a dev dependency)

    graph = grimp.build_graph("rules", "storage", "tui")
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            if module < imported and graph.chain_exists(imported, module):
                chain = graph.find_shortest_chain(imported, module)
                cycles.append(" -> ".join([module, *(chain or ())]))
    assert cycles == []
