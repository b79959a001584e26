"""The phone pages' escaping: what a member's phone is sent never lets a
name, a number typed on a phone or a translated text become markup."""

from __future__ import annotations

import html
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from tui.phone.pages import escape


@given(st.text())
def test_escape_is_html_escape(text: str) -> None:
    assert escape(text) == html.escape(text, quote=True)


def test_a_typed_number_cannot_become_markup() -> None:
    typed = "\"><script>alert('x')</script>&amp;"
    assert escape(typed) == "&quot;&gt;&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;&amp;amp;"


def test_serving_pages_does_not_load_the_named_character_table() -> None:
    """html.entities (half a MiB) stays out of the kiosk's memory."""
    probe = "import sys, tui.phone.server; print('html.entities' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
