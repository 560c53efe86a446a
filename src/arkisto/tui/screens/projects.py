"""The funded projects: a list of the projects the current search's records
name (funder, amounts, first and last mention, records), filterable with the
search's query language (hanke:, rahoittaja:, summa:>100000 …) and its
facet selections; the programmes with their recipients (``g``); a project's
timeline (Enter), every record naming it by date with the sentence that
names it; and a record of the timeline (Enter), as the detail pane shows it.

Everything is read on the backend's thread in exclusive workers (a newer
filter cancels an older one); every text is the index's and is put on the
screen as ``Text``, never as markup.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from ...errors import ArkistoError
from ...render import amount_text, amounts_line, fi_date
from ...text import one_line, safe_display
from ..backend import Request
from ..present import filters_summary
from ..widgets import DetailPane

if TYPE_CHECKING:
    from ..app import ArkistoApp

HEAD = "bold"
DIM = "dim"


def _cut(text: str, width: int) -> str:
    text = one_line(safe_display(text))
    if width <= 1:
        return text[:max(width, 0)]
    return text if len(text) <= width else text[:width - 1] + "…"


def _month(iso: str | None) -> str:
    """2023-02-14 -> 2/2023: the list's dates, to fit 80 columns."""
    if not iso:
        return ""
    y, m, _d = iso.split("-")
    return f"{int(m)}/{y}"


def columns(width: int) -> tuple[int, int, int, int, int]:
    """The list's column widths (project, funder, amounts, first–last,
    records) for a list ``width`` cells wide: the amounts take what is left."""
    dates, records, funder = 15, 4, 10 if width < 120 else 16
    name = max(16, min(40, (width - dates - records - funder - 4) // 2))
    amounts = max(8, width - name - funder - dates - records - 4)
    return name, funder, amounts, dates, records


def project_row(p, s, width: int) -> Text:
    name, funder, amounts, dates, records = columns(width)
    span = "–".join(dict.fromkeys(_month(d) for d in (p.first, p.last) if d))
    out = Text()
    out.append(_cut(p.name, name).ljust(name) + " ", style="bold")
    out.append(_cut(", ".join(p.funders), funder).ljust(funder) + " ")
    out.append(_cut(amounts_line(p.amounts, s), amounts).ljust(amounts) + " ")
    out.append(span.ljust(dates) + " ", style=DIM)
    out.append(str(p.records).rjust(records))
    return out


def header_row(s, width: int) -> Text:
    name, funder, amounts, dates, records = columns(width)
    return Text(" ".join([_cut(s("project_col"), name).ljust(name), _cut(s("funder_col"), funder).ljust(funder),
                          _cut(s("amounts_col"), amounts).ljust(amounts), _cut(s("mentioned_col"), dates).ljust(dates),
                          _cut(s("records_short"), records).rjust(records)]), style=DIM)


def timeline_prompt(e, s) -> Text:
    """A timeline row: the date, what the record does with the project and
    its title; then its citation, the sentence naming the project and the
    amounts it states."""
    when = fi_date(e.date) if e.date else (str(e.year) if e.year else s("timeline_undated"))
    out = Text()
    out.append(when, style="bold")
    if e.stage:
        out.append(" · " + s("stage_" + e.stage), style="italic")
    if e.title:
        out.append(" · " + one_line(safe_display(e.title)))
    out.append("\n  " + one_line(safe_display(e.citation)), style=DIM)
    if e.sentence:
        out.append("\n  “" + one_line(safe_display(e.sentence)) + "”")
    if e.amounts:
        out.append("\n  " + "; ".join(amount_text(a["role"], a["euros"], a["year"], s) for a in e.amounts))
    return out


def summary_text(p, s) -> Text:
    out = Text()
    out.append(one_line(safe_display(s("cli_project_head", name=p.name, n=p.records))), style=HEAD)
    for label, value in ((s("project_aliases"), ", ".join(p.aliases)), (s("funder_col"), ", ".join(p.funders)),
                         (s("project_programme"), p.programme or ""), (s("amounts_col"), amounts_line(p.amounts, s)),
                         (s("project_municipalities"), ", ".join(p.municipalities))):
        if value:
            out.append(f"\n{label}: ", style=DIM)
            out.append(one_line(safe_display(value)))
    return out


class ProjectList(OptionList):
    BINDINGS = [Binding("j", "cursor_down", show=False), Binding("k", "cursor_up", show=False)]

    def __init__(self, enter: str = "", **kw) -> None:
        super().__init__(markup=False, **kw)
        if enter:  # Enter in the footer, in the UI language (as ResultList.set_enter_label)
            from textual.binding import BindingsMap

            bindings = (self._merged_bindings or BindingsMap()).copy()
            bindings.key_to_bindings["enter"] = [Binding("enter", "select", enter)]
            self._bindings = bindings


class _Base(Screen):
    """What the three screens share: the app's strings and backend, and a
    job on the backend's thread that a newer one cancels."""

    @property
    def arkisto(self) -> ArkistoApp:
        return cast("ArkistoApp", self.app)

    @property
    def s(self):
        return self.arkisto.strings

    async def ask(self, fn, *args):
        fut = self.arkisto.backend.submit(fn, *args)
        try:
            return await fut
        except asyncio.CancelledError:
            fut.cancel()  # superseded: the backend skips it if not yet started
            raise

    def say(self, text: str, error: bool = False) -> None:
        status = self.query_one("#projects-status", Static)
        status.update(Text(one_line(safe_display(text)), style="bold red" if error else DIM))


class ProjectsScreen(_Base):
    """The projects list (or the programmes).

    | Key | Does |
    | :- | :- |
    | Enter | the highlighted project's timeline |
    | g | projects / programmes with their recipients |
    | / | the filter field (the search's query language) |
    | Esc | from the field to the list; from the list back to the search |
    """

    DEFAULT_CSS = """
    ProjectsScreen #projects-query { dock: top; }
    ProjectsScreen #projects-head { height: auto; padding: 0 1; }
    ProjectsScreen #projects-list { height: 1fr; border: none; }
    ProjectsScreen #projects-status { height: auto; max-height: 2; padding: 0 1; }
    """

    def __init__(self, query: str = "", filters: dict[str, tuple[str, ...]] | None = None) -> None:
        super().__init__()
        self.query_text = query
        self.filters = dict(filters or {})
        self.programmes = False
        self.items: list = []  # the projects (or programmes) shown
        self.keys: list[str] = []  # the project key of each option
        self._set_bindings()

    def _set_bindings(self) -> None:
        from textual.binding import BindingsMap

        s = self.s
        ours = [
            Binding("escape", "back", s("key_back"), id="projects_back"),
            Binding("slash", "focus_query", s("key_search"), id="projects_search"),
            Binding("g", "toggle_programmes", s("projects") if self.programmes else s("key_programmes"),
                    id="projects_programmes"),
            Binding("q", "app.quit", s("quit"), id="projects_quit"),
            Binding("ctrl+q", "app.quit", s("quit"), show=False, priority=True),
        ]
        self._bindings = BindingsMap.merge([self._merged_bindings or BindingsMap(), BindingsMap(ours)])

    def compose(self) -> ComposeResult:
        yield Input(self.query_text, placeholder=self.s("search_placeholder"), id="projects-query")
        yield Static("", id="projects-head", markup=False)
        yield ProjectList(self.s("key_timeline"), id="projects-list")
        yield Static("", id="projects-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ProjectList).focus()
        self.load()

    def request(self) -> Request:
        return Request(self.query_one("#projects-query", Input).value, self.filters)

    @on(Input.Changed, "#projects-query")
    def query_changed(self) -> None:
        self.load(delay=self.arkisto.debounce)

    @on(Input.Submitted, "#projects-query")
    def query_submitted(self) -> None:
        self.query_one(ProjectList).focus()

    def on_resize(self) -> None:
        if self.items:
            self.show(self.items)

    @work(exclusive=True, group="projects", exit_on_error=False)
    async def load(self, delay: float = 0.0) -> None:
        if delay:
            await asyncio.sleep(delay)
        req = self.request()
        self.say(self.s("projects_loading"))
        backend = self.arkisto.backend
        try:
            items, notes = await self.ask(backend.projects, req, self.programmes)
        except ArkistoError as exc:
            message, hint = exc.render(self.s)
            self.say(message + (f" {hint}" if hint else ""), error=True)
            return
        except Exception as exc:  # never a traceback on the screen
            self.say(self.s("search_failed", error=safe_display(str(exc))), error=True)
            return
        if req != self.request():
            return
        from ...notes import text as note_text

        self.show(items)
        self.say(" · ".join(note_text(n, self.s.lang) for n in notes) if notes else "")

    def _width(self) -> int:
        return max(self.query_one(ProjectList).size.width - 2, 40) if self.is_mounted else 78

    def show(self, items: list) -> None:
        s = self.s
        self.items = items
        width = self._width()
        head = Text()
        title = s("programmes") if self.programmes else s("projects_title", n=len(items))
        head.append(title, style=HEAD)
        summary = filters_summary({k: list(v) for k, v in self.filters.items()}, s) if self.filters else ""
        if summary:
            head.append("  " + one_line(safe_display(summary)), style=DIM)
        options: list[Option] = []
        self.keys = []
        if not self.programmes:
            head.append("\n")
            head.append_text(header_row(s, width))
            for p in items:
                options.append(Option(project_row(p, s, width), id=f"p:{len(self.keys)}"))
                self.keys.append(p.key)
        else:
            for g in items:
                label = s("programme_head", name=g.name, funder=g.funder or "–", n=len(g.recipients))
                options.append(Option(Text(_cut(label, width), style=HEAD), disabled=True))
                for r in g.recipients:
                    muni = _cut(r.municipality or "–", 14).ljust(14)
                    name_w = max(12, (width - 16) // 2)
                    row = Text(f"  {muni} ")
                    row.append(_cut(r.name, name_w).ljust(name_w) + " ", style="bold")
                    row.append(_cut(amounts_line(r.amounts, s), max(width - name_w - 18, 8)))
                    options.append(Option(row, id=f"p:{len(self.keys)}"))
                    self.keys.append(r.key)
        self.query_one("#projects-head", Static).update(head)
        lst = self.query_one(ProjectList)
        lst.set_options(options or [Option(Text(s("projects_none"), style=DIM), disabled=True)])
        first = next((i for i, o in enumerate(options) if not o.disabled), None)
        if first is not None:
            lst.highlighted = first

    @on(OptionList.OptionSelected, "#projects-list")
    def opened(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid.startswith("p:"):
            self.arkisto.push_screen(TimelineScreen(self.keys[int(oid[2:])]))

    def action_toggle_programmes(self) -> None:
        self.programmes = not self.programmes
        self._set_bindings()
        self.refresh_bindings()
        self.items = []
        self.load()

    def action_focus_query(self) -> None:
        self.query_one("#projects-query", Input).focus()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.query_one(ProjectList).focus()
        else:
            self.dismiss()


class TimelineScreen(_Base):
    """One project: its summary and every record naming it, oldest first.

    | Key | Does |
    | :- | :- |
    | Enter | the highlighted record, as the detail pane shows it |
    | Esc | back to the projects |
    """

    DEFAULT_CSS = """
    TimelineScreen #timeline-head { height: auto; max-height: 8; padding: 0 1; }
    TimelineScreen #timeline-list { height: 1fr; border: none; }
    TimelineScreen #projects-status { height: 1; padding: 0 1; }
    """

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.entries: list = []
        s = self.s
        from textual.binding import BindingsMap

        self._bindings = BindingsMap.merge([self._merged_bindings or BindingsMap(), BindingsMap([
            Binding("escape", "back", s("key_back"), id="timeline_back"),
            Binding("q", "app.quit", s("quit"), id="timeline_quit"),
        ])])

    def compose(self) -> ComposeResult:
        yield Static(Text(self.s("projects_loading"), style=DIM), id="timeline-head", markup=False)
        yield ProjectList(self.s("key_open_decision"), id="timeline-list")
        yield Static("", id="projects-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ProjectList).focus()
        self.load()

    @work(exclusive=True, group="timeline", exit_on_error=False)
    async def load(self) -> None:
        try:
            timeline = await self.ask(self.arkisto.backend.project, self.key)
        except ArkistoError as exc:
            self.say(exc.render(self.s)[0], error=True)
            return
        s = self.s
        if timeline is None:
            self.say(s("cli_no_project", name=self.key), error=True)
            return
        head = summary_text(timeline.project, s)
        head.append("\n")
        head.append(s("timeline_title", name=timeline.project.name, n=len(timeline.entries)), style=DIM)
        self.query_one("#timeline-head", Static).update(head)
        self.entries = timeline.entries
        lst = self.query_one(ProjectList)
        lst.set_options([Option(timeline_prompt(e, s), id=f"t:{i}") for i, e in enumerate(self.entries)])
        if self.entries:
            lst.highlighted = 0

    @on(OptionList.OptionSelected, "#timeline-list")
    def opened(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        if oid.startswith("t:"):
            self.arkisto.push_screen(RecordScreen(self.entries[int(oid[2:])].id))

    def action_back(self) -> None:
        self.dismiss()


class RecordScreen(_Base):
    """One record of a timeline, as the search's detail pane lays it out.

    | Key | Does |
    | :- | :- |
    | ↑ ↓ PgUp PgDn | scroll |
    | Esc | back to the timeline |
    """

    DEFAULT_CSS = """
    RecordScreen #record-detail { height: 1fr; }
    RecordScreen #projects-status { height: 1; padding: 0 1; }
    """

    def __init__(self, record_id: str) -> None:
        super().__init__()
        self.record_id = record_id
        from textual.binding import BindingsMap

        s = self.s
        self._bindings = BindingsMap.merge([self._merged_bindings or BindingsMap(), BindingsMap([
            Binding("escape", "back", s("key_back"), id="record_back"),
            Binding("q", "app.quit", s("quit"), id="record_quit"),
        ])])

    def compose(self) -> ComposeResult:
        yield DetailPane(id="record-detail")
        yield Static("", id="projects-status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        detail = self.query_one(DetailPane)
        detail.show_placeholder(self.s("projects_loading"))
        detail.focus()
        self.load(self.record_id)

    @work(exclusive=True, group="record", exit_on_error=False)
    async def load(self, record_id: str) -> None:
        from ..backend import run_in_daemon
        from ..present import record_text

        try:
            rec = await self.ask(self.arkisto.backend.get, record_id)
        except ArkistoError as exc:
            self.say(exc.render(self.s)[0], error=True)
            return
        if rec is None:
            self.say(self.s("record_gone"), error=True)
            return
        text = await run_in_daemon(record_text, rec, self.s, (), name="arkisto-detail")
        self.query_one(DetailPane).show_record(rec, text)

    @on(DetailPane.RecordOpened)
    def related_opened(self, event: DetailPane.RecordOpened) -> None:
        self.load(event.record_id)

    def action_back(self) -> None:
        self.dismiss()


__all__ = ["ProjectsScreen", "TimelineScreen", "RecordScreen", "columns"]
