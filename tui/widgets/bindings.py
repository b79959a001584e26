"""Footer labels in the kiosk's language.

A screen's ``BINDINGS`` carry Chinese descriptions (the kiosk's default
language) and a stable ``id`` each; with ``env.lang == "en"`` the screen
swaps in the English label for each id. Textual has no public way to change a
binding's description, so this replaces the node's own copy of its bindings
(every node gets a copy of its class's bindings when it is created).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from textual.dom import DOMNode


def localise_bindings(node: DOMNode, lang: str, english: Mapping[str, str]) -> None:
    """Give ``node``'s bindings their English labels (by binding id) when
    ``lang`` is English; Chinese stays as declared."""
    if lang != "en":
        return
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [
            replace(b, description=english[b.id]) if b.id is not None and b.id in english else b
            for b in bindings
        ]
