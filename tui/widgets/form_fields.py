"""How every form's fields behave (the meeting's dialogs, the dues and the
organisation dialogs, the plan): Enter or Tab goes on to the next field, and
Enter on the last one saves, as Ctrl+S does anywhere; Escape cancels.

A drop-down (``FieldSelect``) does one thing per key press: Up/Down change
the choice in place (the list stays closed), Space opens the list (then
Up/Down move in it, Enter picks, Escape closes), and Enter goes on to the
next field as in a text box. Textual's own Select opens its list on Up,
Down, Space or Enter alike, so a press meant to move the choice opened the
list instead, and the next one moved in it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Select

#: The keys every form shows under its fields (zh, en).
FORM_KEYS_TEXT = (
    "Enter/Tab 下一项(末项 Enter 保存)· ↑↓ 换选项 · 空格 展开列表 · Ctrl+S 保存 · Esc 取消",
    "Enter/Tab next field (Enter on the last saves) · Up/Down change a choice · Space opens"
    " a list · Ctrl+S save · Esc cancel",
)


def next_field(form: Widget, field: Widget | None, save: Callable[[], None]) -> None:
    """Enter in a form's field (a text box or a drop-down): the next field,
    or, on the last, save."""
    fields = [f for f in form.query("Input, FieldSelect") if f.focusable]
    if field not in fields or field is fields[-1]:
        save()
    else:
        fields[fields.index(field) + 1].focus()


class FieldSelect(Select[Any]):
    BINDINGS = [
        Binding("up", "step(-1)", "上一个", show=False),
        Binding("down", "step(1)", "下一个", show=False),
        Binding("space", "show_overlay", "展开", show=False),
        Binding("enter", "next_field", "下一项", show=False),
    ]

    @dataclass
    class Submitted(Message):
        """Enter on the drop-down: the form goes on to its next field."""

        select: FieldSelect

        @property
        def control(self) -> FieldSelect:
            return self.select

    def choices(self) -> list[Any]:
        """The values one can choose, in order (the blank one left out)."""
        return [value for _, value in self._options if value is not Select.NULL]

    def action_step(self, delta: int) -> None:
        values = self.choices()
        if not values:
            return
        index = values.index(self.value) if self.value in values else (-1 if delta > 0 else 0)
        self.value = values[max(0, min(len(values) - 1, index + delta))]

    def action_next_field(self) -> None:
        self.post_message(self.Submitted(self))
