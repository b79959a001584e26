"""Where the data directory is: ``--data DIR``, then ``$XIAOZU_DATA``, then the
platform's user data directory. Resolving a path creates nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

ENV_VAR = "XIAOZU_DATA"
APP_NAME = "xiaozu"


def resolve_data_dir(cli_value: str | None, environ: Mapping[str, str]) -> Path:
    """The data directory to use, as an absolute path (it need not exist).

    ``cli_value`` is the ``--data DIR`` option (None when not given) and wins;
    then the ``XIAOZU_DATA`` environment variable; otherwise the user data
    directory (``~/.local/share/xiaozu`` on Linux). Empty values count as unset.
    """
    for value in (cli_value, environ.get(ENV_VAR)):
        if value:
            return Path(value).expanduser().absolute()
    import platformdirs  # only here: 10 ms of imports the other two ways never need

    return platformdirs.user_data_path(APP_NAME, appauthor=False).absolute()
