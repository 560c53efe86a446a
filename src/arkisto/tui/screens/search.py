"""The search screen: query bar, facets, a page of hits and the detail pane.

The widgets post intent messages (query changed, facet toggled, hit opened,
page requested); this screen keeps the query state, runs the work on the
backend's thread in exclusive workers (a newer query cancels an older one
before it starts), and hands results back to the widgets.

Wide terminals (120 columns or more) show the detail of the highlighted hit
beside the list; narrower ones open it over the list with Enter.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingsMap
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from ...errors import ArkistoError, IndexBuildingError, NoIndexError, RebuildNeededError
from ...i18n import Strings
from ...text import safe_display
from ..backend import Request, run_in_daemon
from ..present import citation, record_text
from ..widgets import DetailPane, FacetPanel, QueryBar, ResultList, StatusBar

if TYPE_CHECKING:  # the result types import no Whoosh, but their package does: not at startup
    from ...search.results import SearchResult
    from ..app import ArkistoApp

SORTS = ("relevance", "newest", "oldest")
RELATED_DELAY = 0.3  # seconds of rest on a hit before its related decisions are looked up
# Seconds of rest before the detail pane follows a new result or the cursor:
# laying out a whole record takes longer than a search, and while typing or
# scrolling it would only hold up the next result list.
DETAIL_DELAY = 0.1
MIN_WIDTH, MIN_HEIGHT = 80, 24
BUILD_POLL = 1.0  # seconds between looks at an index another process is building
PROGRESS_EVERY = 0.05  # seconds between progress reports shown while indexing


def screen_bindings(s: Strings) -> list[Binding]:
    """The search screen's keys, with descriptions in the UI language."""
    return [
        Binding("f1", "help", s("help"), key_display="F1"),
        Binding("question_mark", "help", s("help"), show=False),
        Binding("slash", "focus_query", s("key_search"), key_display="/"),
        Binding("escape", "back", s("key_back"), key_display="Esc"),
        Binding("y", "copy", s("copy")),
        Binding("e", "export", s("export")),
        Binding("s", "cycle_sort", s("key_sort")),
        Binding("c", "clear_filters", s("key_clear_filters")),
        Binding("x", "clear_filters", s("key_clear_filters"), show=False),
        Binding("f5", "refresh", s("key_refresh"), key_display="F5"),
        Binding("f2", "explain", s("explain"), key_display="F2"),
        Binding("q", "app.quit", s("quit")),
    ]


def _clock(seconds: float) -> str:
    """0:07, 12:30, 1:02:03 (an ETA)."""
    n = int(seconds + 0.5)
    h, rest = divmod(n, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


class IndexProgress(Message):
    """Where a build or update of the index is (from the indexer's thread):
    an ``indexer.BuildProgress``."""

    def __init__(self, progress, first_run: bool) -> None:
        super().__init__()
        self.progress, self.first_run = progress, first_run
        self.done, self.total = progress.files_done, progress.files_total

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, IndexProgress)


@dataclass
class State:
    query: str = ""
    filters: dict[str, tuple[str, ...]] | None = None
    sort: str = "relevance"
    offset: int = 0


class SearchScreen(Screen):
    """The main screen."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    AUTO_FOCUS = "#query"

    def __init__(self, **kw) -> None:
        super().__init__(**kw)
        self.state = State(filters={})
        self.result: SearchResult | None = None  # the last result shown
        self.detail_hit = None  # the hit whose record the detail pane shows
        self.ready = False  # the index is open
        self._rebuilding = False  # build_index is rebuilding an outdated index
        self.notified: tuple | None = None  # the generation the user was last told about
        self._set_bindings()

    @property
    def arkisto(self) -> ArkistoApp:
        """The app, as arkisto's (Textual types ``self.app`` as any App)."""
        return cast("ArkistoApp", self.app)

    def _set_bindings(self) -> None:
        """The class's bindings (Tab, Shift+Tab…) plus ours in the UI language."""
        merged = self._merged_bindings or BindingsMap()
        self._bindings = BindingsMap.merge([merged, BindingsMap(screen_bindings(self.s))])

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "back":  # Esc: shown only where it does something
            return self.has_class("-detail-open") or not isinstance(self.focused, Input)
        return True

    def on_descendant_focus(self) -> None:
        self.refresh_bindings()

    @property
    def s(self) -> Strings:
        return self.arkisto.strings

    @property
    def backend(self):
        return self.arkisto.backend

    # --- layout --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield QueryBar(self.s("search_placeholder"), cursor_blink=self.arkisto.cursor_blink, id="query-bar")
        with Horizontal(id="body"):
            yield FacetPanel(id="facets")
            yield ResultList(id="results")
            yield DetailPane(id="detail")
            yield Static("", id="message", markup=False)
        yield StatusBar(id="status")
        yield Footer()
        yield Static("", id="too-small", markup=False)

    def on_mount(self) -> None:
        self.query_one(DetailPane).show_placeholder(self.s("detail_empty"))
        self.show_message(self.s("opening_index"))
        self.open_index()
        self.set_interval(self.arkisto.stale_poll_seconds, self.check_stale)

    def on_resize(self, event) -> None:
        w, h = event.size.width, event.size.height
        small = w < MIN_WIDTH or h < MIN_HEIGHT
        self.set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(Text(self.s("too_small", w=w, h=h)))

    @property
    def wide(self) -> bool:
        return self.has_class("-wide")

    def show_message(self, text: str | Text, error: bool = False) -> None:
        """Show a message in place of the results (opening, building, errors).
        A ``str`` is cleaned here; a ``Text`` must be built from cleaned parts."""
        msg = self.query_one("#message", Static)
        msg.update(text if isinstance(text, Text) else Text(safe_display(text)))
        msg.set_class(error, "-error")
        self.add_class("-message")

    def hide_message(self) -> None:
        self.remove_class("-message")

    def show_error(self, exc: ArkistoError) -> None:
        text = Text()
        text.append(self.s("index_error", message=safe_display(exc.message)), style="bold")
        if exc.hint:
            text.append("\n\n" + safe_display(exc.hint))
        self.show_message(text, error=True)

    def status(self, text: str, error: bool = False) -> None:
        self.query_one(StatusBar).say(text, error)

    async def ask(self, fn, *args):
        """Run a job that reads the index on the backend's thread.  When the
        generation it read was removed under it (an indexer published twice)
        the backend opened the newest one and ran it again: say so."""
        try:
            return await self.backend.submit(fn, *args)
        finally:
            if self.backend.take_reopened():
                self.notified = self.backend.opened
                self.status(self.s("index_reopened"))

    # --- opening and building the index ----------------------------------------------

    @work(exclusive=True, group="open", exit_on_error=False)
    async def open_index(self) -> None:
        app = self.arkisto
        try:
            await self._open_when_built()
        except NoIndexError as exc:
            sample = app.sample_dir
            if sample is None:
                self.show_message(self.s("index_missing", path=str(self.backend.index_dir)), error=True)
                self.status(exc.message, error=True)
                return
            if not await self.build_and_open([sample]):
                return
        except RebuildNeededError as exc:
            # The index is a cache of the documents: built by another version
            # or analyzer, it is rebuilt from the folders it came from.
            paths = await self.backend.submit(self.backend.rebuild_paths)
            if not paths:
                self.show_error(exc)
                return
            self.status(self.s("rebuilding", n=len(paths)))
            if not await self.build_and_open(paths, rebuild=True):
                return
        except ArkistoError as exc:
            self.show_error(exc)
            return
        self.ready = True
        self.notified = self.backend.opened
        self.hide_message()
        if not self.query_one(StatusBar).message:
            self.status(self.s("index_ready", n=await self.ask(self.backend.doc_count)))
        self.search()

    async def _open_when_built(self) -> None:
        """Open the index.  While another process builds it for the first
        time, say so (and by which pid) and wait for it, rather than start a
        second build."""
        while True:
            try:
                return await self.backend.submit(self.backend.open)
            except IndexBuildingError as exc:
                self.show_message(Text(self.s("index_building", pid=exc.pid or "?")))
                await asyncio.sleep(BUILD_POLL)

    async def build_and_open(self, paths, rebuild: bool = False) -> bool:
        """Build the index (showing progress in place of the results), then
        open it.  False, with the reason shown, when either fails."""
        if not await self.build_index(paths, first_run=True, rebuild=rebuild):
            return False
        try:
            await self.backend.submit(self.backend.open)
        except ArkistoError as exc:
            self.show_error(exc)
            return False
        return True

    async def build_index(self, paths, first_run: bool, rebuild: bool = False):
        """Run the indexer on its own thread, showing progress.  Returns the report or None."""
        from ...search.indexer import index_paths

        last = [0.0]
        phase = [""]

        def progress(p) -> None:
            now = time.monotonic()
            if now - last[0] >= PROGRESS_EVERY or p.phase != phase[0]:
                last[0], phase[0] = now, p.phase
                self.post_message(IndexProgress(p, first_run))

        self._rebuilding = rebuild
        self._show_progress(0, 0, first_run)
        try:
            report = await run_in_daemon(
                lambda: index_paths(paths, self.backend.index_dir, rebuild=rebuild, progress=progress),
                name="arkisto-index",
            )
        except ArkistoError as exc:
            if first_run:
                self.show_error(exc)
            else:
                self.status(exc.message + (f" {exc.hint}" if exc.hint else ""), error=True)
            return None
        except Exception as exc:  # an indexer bug: say so plainly, never a traceback
            text = self.s("build_failed", error=safe_display(str(exc)) or type(exc).__name__)
            if first_run:
                self.show_message(Text(text), error=True)
            self.status(text, error=True)
            return None
        self._show_progress(report.files_seen, report.files_seen, first_run)
        if first_run:
            self.status(self.s("index_ready", n=report.doc_count))
        return report

    def on_index_progress(self, event: IndexProgress) -> None:
        self._show_progress(event.done, event.total, event.first_run, event.progress)

    def _show_progress(self, done: int, total: int, first_run: bool, progress=None) -> None:
        if first_run and self._rebuilding:
            text = Text(self.s("rebuilding_index", done=done, total=total))
        elif first_run:
            text = Text(self.s("building_index", done=done, total=total))
        else:
            self.status(self.s("reindexing", done=done, total=total))
            return
        if progress is not None:
            text.append("\n\n" + self._progress_detail(progress))
        self.show_message(text)

    def _progress_detail(self, p) -> str:
        """A text bar, records, rate, ETA and the current file (its page)."""
        s = self.s
        filled = int(round(p.fraction * 30))
        lines = [f"{'█' * filled}{'░' * (30 - filled)} {p.fraction * 100:3.0f} %"]
        if p.phase == "scanning":
            lines.append(s("build_scanning"))
        elif p.phase in ("writing", "done"):
            lines.append(s("build_writing", records=p.records))
        else:
            eta = p.eta
            lines.append(s("build_detail", records=p.records, rate=f"{p.rate:.1f}",
                           eta=_clock(eta) if eta is not None else "–"))
            name = safe_display(p.current.rsplit("/", 1)[-1])
            if p.pages_total:
                name += " · " + s("build_page", done=p.pages_done, total=p.pages_total)
            lines.append(name)
        return "\n".join(lines)

    # --- searching ----------------------------------------------------------------------

    def request(self) -> Request:
        st = self.state
        return Request(st.query, dict(st.filters or {}), st.sort, st.offset, self.arkisto.page_size)

    def search(self) -> None:
        if self.ready:
            self.run_search(self.request())

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, req: Request) -> None:
        try:
            res = await self.ask(self.backend.search, req)
        except ArkistoError as exc:
            self.show_error(exc)
            return
        except Exception as exc:
            self.status(self.s("search_failed", error=safe_display(str(exc))), error=True)
            return
        self.show_result(res)

    def show_result(self, res: SearchResult) -> None:
        self.result = res
        s = self.s
        self.query_one(QueryBar).show_info(res, s, self.arkisto.show_timing)
        results = self.query_one(ResultList)
        results.show(res, s)
        self.query_one(FacetPanel).show(res.facets, s)
        hit = results.current_hit
        if self.wide:
            if hit is not None:
                self.load_detail(hit)
            else:
                self.query_one(DetailPane).show_placeholder(s("detail_empty"))

    @on(QueryBar.Changed)
    def query_changed(self, event: QueryBar.Changed) -> None:
        self.state.query = event.text
        self.state.offset = 0
        self.search()

    @on(QueryBar.Submitted)
    def query_submitted(self) -> None:
        results = self.query_one(ResultList)
        if results.hits:
            results.focus()

    @on(FacetPanel.Toggled)
    def facet_toggled(self, event: FacetPanel.Toggled) -> None:
        self.toggle_filter(event.facet, event.value)

    def toggle_filter(self, facet: str, value: str) -> None:
        """Add or remove one facet value as a filter, and search again."""
        filters = dict(self.state.filters or {})
        values = list(filters.get(facet, ()))
        if value in values:
            values.remove(value)
        else:
            values.append(value)
        event_facet = facet
        if values:
            filters[event_facet] = tuple(values)
        else:
            filters.pop(event_facet, None)
        self.state.filters = filters
        self.state.offset = 0
        self.search()

    @on(ResultList.PageRequested)
    def page_requested(self, event: ResultList.PageRequested) -> None:
        if self.result is None:
            return
        size = self.arkisto.page_size
        offset = self.state.offset + event.delta * size
        if offset < 0 or offset >= max(self.result.total, 1):
            return
        self.state.offset = offset
        self.search()

    @on(ResultList.HitHighlighted)
    def hit_highlighted(self, event: ResultList.HitHighlighted) -> None:
        if self.wide:
            self.load_detail(event.hit)

    @on(ResultList.HitOpened)
    def hit_opened(self, event: ResultList.HitOpened) -> None:
        detail = self.query_one(DetailPane)
        if detail.record_id != event.hit.id:
            self.load_detail(event.hit, delay=0)
        self.add_class("-detail-open")
        detail.focus()
        self.refresh_bindings()

    # --- the detail pane ------------------------------------------------------------------

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_detail(self, hit, delay: float = DETAIL_DELAY) -> None:
        self.detail_hit = hit
        if delay:
            await asyncio.sleep(delay)  # a newer hit cancels this worker
        rec = hit.record
        if rec is None:
            rec = await self.ask(self.backend.get, hit.id)
            if rec is None:
                return
        terms = list(self.result.terms) if self.result else []
        s = self.s
        # Stemming a long record takes a moment: do it off the event loop.
        text = await run_in_daemon(record_text, rec, s, terms, name="arkisto-detail")
        self.query_one(DetailPane).show_record(rec, text)
        # Related decisions (a more-like-this search) only once the user
        # rests on this hit: typing or moving on cancels this worker before
        # it takes the search thread from the next query.
        await asyncio.sleep(RELATED_DELAY)
        related = await self.ask(self.backend.related, rec)
        if not any(related):
            return
        text = await run_in_daemon(record_text, rec, s, terms, related, name="arkisto-detail")
        if self.detail_hit is hit:
            self.query_one(DetailPane).show_record(rec, text)

    # --- actions ---------------------------------------------------------------------------

    @work(exclusive=True, group="explain", exit_on_error=False)
    async def action_explain(self) -> None:
        """Show what the current query became (base forms, parts, filters)."""
        if not self.ready:
            return
        from .explain import ExplainScreen

        req = self.request()
        try:
            ex = await self.ask(self.backend.explain, req.query, req.filter_lists())
        except ArkistoError as exc:
            self.show_error(exc)
            return
        self.arkisto.push_screen(ExplainScreen(ex))

    def action_help(self) -> None:
        from .help import HelpScreen

        self.arkisto.push_screen(HelpScreen(screen_bindings(self.s), self.backend.index_dir))

    def action_focus_query(self) -> None:
        self.remove_class("-detail-open")
        self.query_one(QueryBar).input.focus()

    def action_back(self) -> None:
        focused = self.focused
        if self.has_class("-detail-open"):
            self.remove_class("-detail-open")
            self.query_one(ResultList).focus()
            self.refresh_bindings()
        elif isinstance(focused, DetailPane):
            self.query_one(ResultList).focus()
        elif isinstance(focused, (ResultList, FacetPanel)):
            self.query_one(QueryBar).input.focus()

    def selected_record(self):
        """The record the user is looking at: the open detail, else the highlighted hit."""
        detail = self.query_one(DetailPane)
        if detail.record is not None and (self.has_class("-detail-open") or self.focused is detail):
            return detail.record
        hit = self.query_one(ResultList).current_hit
        if hit is not None:
            return hit.record
        return detail.record

    def action_copy(self) -> None:
        rec = self.selected_record()
        if rec is None:
            self.status(self.s("nothing_selected"))
            return
        text = citation(rec)
        self.arkisto.copy_to_clipboard(text)
        self.status(self.s("copied", text=text))

    def action_cycle_sort(self, sort: str | None = None) -> None:
        st = self.state
        st.sort = sort or SORTS[(SORTS.index(st.sort) + 1) % len(SORTS)]
        st.offset = 0
        self.search()

    def action_clear_filters(self) -> None:
        self.state.filters = {}
        self.state.offset = 0
        self.search()

    @work(exclusive=True, group="export", exit_on_error=False)
    async def action_export(self) -> None:
        if not self.ready:
            return
        self.status(self.s("exporting"))
        try:
            n, path = await self.ask(self.backend.export, self.request(), self.arkisto.export_dir, self.arkisto.clock())
        except (ArkistoError, OSError, ValueError) as exc:
            msg = exc.message if isinstance(exc, ArkistoError) else str(exc)
            self.status(self.s("export_failed", error=safe_display(msg)), error=True)
            return
        self.status(self.s("exported", n=n, path=str(path)))

    @work(exclusive=True, group="refresh", exit_on_error=False)
    async def action_refresh(self) -> None:
        if not self.ready:
            return
        try:
            n = await self.backend.submit(self.backend.reopen)
        except ArkistoError as exc:
            self.show_error(exc)
            return
        self.notified = self.backend.opened
        self.status(self.s("refreshed", n=n))
        self.search()

    @work(exclusive=True, group="index", exit_on_error=False)
    async def action_reindex(self) -> None:
        if not self.ready:
            return
        paths = await self.backend.submit(self.backend.source_paths)
        if not paths:
            self.status(self.s("reindex_nothing"))
            return
        report = await self.build_index(paths, first_run=False)
        if report is None:
            return
        try:
            await self.backend.submit(self.backend.reopen)
        except ArkistoError as exc:
            self.show_error(exc)
            return
        self.notified = self.backend.opened
        self.status(self.s("reindexed", records=report.records, files=report.files_indexed,
                           unchanged=report.files_unchanged, skipped=report.files_skipped, n=report.doc_count))
        self.search()

    def check_stale(self) -> None:
        """Poll (cheaply: one small file read and a stat) for a newer index
        generation, or an index built again in its place."""
        if not self.ready:
            return
        live = self.backend.live()
        if live is not None and live != self.backend.opened and live != self.notified:
            self.notified = live
            self.arkisto.tell(self.s("index_updated"), timeout=10)
            self.status(self.s("index_updated"))

    # --- language --------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Redraw every string in the current language."""
        s = self.s
        self._set_bindings()
        self.refresh_bindings()
        self.query_one(QueryBar).set_placeholder(s("search_placeholder"))
        if self.result is not None:
            self.show_result(self.result)
        detail = self.query_one(DetailPane)
        if detail.record is None:
            detail.show_placeholder(s("detail_empty"))
        elif self.detail_hit is not None and not self.wide:
            self.load_detail(self.detail_hit)
