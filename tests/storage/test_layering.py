"""storage/ may use rules, tinydb, msgspec, platformdirs and the standard library only."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ALLOWED = {"rules", "storage", "tinydb", "msgspec", "platformdirs"}


def test_storage_imports_only_what_it_may() -> None:
    for source in sorted((ROOT / "storage").glob("*.py")):
        tree = ast.parse(source.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in ALLOWED or top in sys.stdlib_module_names, (source.name, name)


def test_importing_storage_loads_no_kiosk_code() -> None:
    script = (
        "import sys, storage, storage.repository, storage.codec;"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'tui'));"
        "assert not bad, bad"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    result = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_public_names() -> None:
    import storage

    for name in (
        "Repository",
        "FileRepository",
        "MemoryRepository",
        "resolve_data_dir",
        "DataDirLock",
        "StorageError",
        "DataFileError",
        "StorageWriteError",
        "DataDirBusy",
        "FinalisedRecordError",
    ):
        assert name in storage.__all__
        assert getattr(storage, name) is not None
    for error in ("DataFileError", "StorageWriteError", "DataDirBusy", "FinalisedRecordError"):
        assert issubclass(getattr(storage, error), storage.StorageError)
