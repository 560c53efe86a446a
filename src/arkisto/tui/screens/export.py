"""`e`: where to write the export, and as what.  A small modal: the file's
path (in the user's documents or downloads folder unless told otherwise)
and CSV or JSON Lines; Enter writes, Esc cancels.  The search screen does
the writing and says where it wrote."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from ...i18n import Strings

SUFFIX = {"csv": ".csv", "jsonl": ".jsonl"}


class ExportScreen(ModalScreen[tuple[Path, str] | None]):
    """Returns (path, "csv" | "jsonl"), or None when cancelled."""

    DEFAULT_CSS = """
    ExportScreen { align: center middle; }
    ExportScreen > Vertical {
        width: 76; height: auto; padding: 1 2; border: round $accent; background: $panel;
    }
    ExportScreen Label { width: 1fr; margin-bottom: 1; }
    ExportScreen Input { margin-bottom: 1; }
    ExportScreen RadioSet { width: 1fr; layout: horizontal; margin-bottom: 1; }
    ExportScreen Horizontal { height: auto; align-horizontal: right; }
    ExportScreen Button { margin-left: 2; }
    """

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, folder: Path, stem: str, s: Strings, fmt: str = "csv") -> None:
        super().__init__()
        self.folder, self.stem, self.s, self.fmt = Path(folder), stem, s, fmt

    def compose(self) -> ComposeResult:
        s = self.s
        with Vertical():
            yield Label(Text(s("export_title"), style="bold"))
            yield Input(str(self.folder / (self.stem + SUFFIX[self.fmt])), id="export-path", select_on_focus=False)
            with RadioSet(id="export-format"):
                yield RadioButton(s("export_csv"), value=self.fmt == "csv", id="fmt-csv")
                yield RadioButton(s("export_jsonl"), value=self.fmt == "jsonl", id="fmt-jsonl")
            yield Label(Text(s("export_keys"), style="dim"))
            with Horizontal():
                yield Button(s("export_cancel"), id="export-cancel")
                yield Button(s("export_write"), id="export-write", variant="primary")

    def on_mount(self) -> None:
        field = self.query_one("#export-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    @on(RadioSet.Changed)
    def format_changed(self, event: RadioSet.Changed) -> None:
        fmt = "jsonl" if event.pressed.id == "fmt-jsonl" else "csv"
        if fmt == self.fmt:
            return
        field = self.query_one("#export-path", Input)
        path = Path(field.value)
        if path.suffix.lower() == SUFFIX[self.fmt]:
            field.value = str(path.with_suffix(SUFFIX[fmt]))
        self.fmt = fmt

    @on(Input.Submitted, "#export-path")
    def path_submitted(self) -> None:
        self.action_write()

    @on(Button.Pressed, "#export-write")
    def write_pressed(self) -> None:
        self.action_write()

    @on(Button.Pressed, "#export-cancel")
    def cancel_pressed(self) -> None:
        self.action_cancel()

    def action_write(self) -> None:
        value = self.query_one("#export-path", Input).value.strip()
        if not value:
            return
        path = Path(value).expanduser()
        if path.is_dir():
            path = path / (self.stem + SUFFIX[self.fmt])
        self.dismiss((path, self.fmt))

    def action_cancel(self) -> None:
        self.dismiss(None)
