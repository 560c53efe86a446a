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
from .. import collector
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


# Where the focus is decides which keys the footer shows (4-6 of them,
# always one that quits); every key works wherever it is not typed into the
# query.  Keys are bound by id (the action's name), so a ``[keys]`` table in
# config.toml can move them (``ArkistoApp`` applies it as Textual's keymap).
FIELD, RESULTS, FACETS, DETAIL = "field", "results", "facets", "detail"
HELP = "help"  # the keys as the help lists them
SHOWN = {
    FIELD: ("back", "explain", "help", "quit_anywhere"),
    RESULTS: ("back", "copy", "export", "quit"),  # and the list's Enter
    FACETS: ("back", "help", "quit"),  # and the list's Enter
    DETAIL: ("back", "copy", "open_source", "help", "quit"),
}


def screen_bindings(s: Strings, place: str = RESULTS, filtered: bool = False, stale: bool = False) -> list[Binding]:
    """The search screen's keys, with descriptions in the UI language; those
    that matter in ``place`` are shown in the footer.  Esc says what it will
    do there: leave the field, clear the filters, or go back."""
    shown = set(SHOWN.get(place, ())) | ({"refresh"} if stale else set())
    quit_ = s("quit")
    if place == HELP:  # every place at once
        back, quit_ = s("help_esc"), s("help_quit")
    elif place == FIELD:
        back = s("key_to_results")
    elif place in (RESULTS, FACETS):
        back = s("key_clear_filters") if filtered else s("key_to_query")
    else:
        back = s("key_back")

    def key(k: str, action: str, desc: str, bid: str, **kw) -> Binding:
        return Binding(k, action, desc, show=bid in shown, id=bid, **kw)

    return [
        key("f1", "help", s("help"), "help"),
        Binding("question_mark", "help", s("help"), show=False),
        key("slash", "focus_query", s("key_search"), "search"),
        key("escape", "back", back, "back"),
        key("y", "copy", s("copy"), "copy"),
        key("e", "export", s("export"), "export"),
        key("s", "cycle_sort", s("key_sort"), "sort"),
        key("c", "clear_filters", s("key_clear_filters"), "clear_filters"),
        Binding("x", "clear_filters", s("key_clear_filters"), show=False),
        key("f5", "refresh", s("key_refresh"), "refresh"),
        key("f2", "explain", s("explain"), "explain"),
        # Following a case (detail pane) and opening the source.
        key("o", "open_source", s("key_open_source"), "open_source"),
        key("h", "projects", s("key_projects"), "projects"),
        key("backspace", "detail_back", s("key_detail_back"), "detail_back"),
        # Saved searches: Ctrl keys, so that they work from the query field too.
        key("ctrl+s", "save_search", s("key_save_search"), "save_search"),
        key("ctrl+o", "saved_searches", s("key_saved_searches"), "saved_searches"),
        key("q", "app.quit", quit_, "quit"),
        # Ctrl+Q quits everywhere (Textual's own key); shown where q is typed.
        Binding("ctrl+q", "app.quit", quit_, show="quit_anywhere" in shown, priority=True),
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
        # Textual asks the queued message whether the one behind it (the
        # argument) may take its place.  A PDF's first page is never
        # replaced by what follows: PDFium reads a short PDF (or one parsed
        # ahead) faster than the screen updates, and "sivu 1/5" would never
        # show.  Later pages give way to newer progress.
        return isinstance(message, IndexProgress) and not _first_page(self.progress)


def _first_page(p) -> bool:
    return p.pages_total > 0 and p.pages_done == 1


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
        self.history: list = []  # records the detail pane showed before the related ones opened from it
        self.ready = False  # the index is open
        self._rebuilding = False  # build_index is rebuilding an outdated index
        self.notified: tuple | None = None  # the generation the user was last told about
        self._full_shown = ""  # a facet value's whole name shown in the status bar
        self._ahead: tuple[tuple, asyncio.Future] | None = None  # (search job, its answer): the typed text's search, made ahead
        self._set_bindings()

    @property
    def arkisto(self) -> ArkistoApp:
        """The app, as arkisto's (Textual types ``self.app`` as any App)."""
        return cast("ArkistoApp", self.app)

    @property
    def place(self) -> str:
        """Where the focus is: the query field, the results, the facets or the detail."""
        focused = self.focused
        if isinstance(focused, Input):
            return FIELD
        if isinstance(focused, FacetPanel):
            return FACETS
        if isinstance(focused, DetailPane) or self.has_class("-detail-open"):
            return DETAIL
        return RESULTS

    @property
    def stale(self) -> bool:
        """A newer index than the one read has been published (F5 opens it)."""
        return self.notified is not None and self.notified != self.backend.opened

    def _set_bindings(self) -> None:
        """The class's bindings (Tab, Shift+Tab…) plus ours in the UI language,
        shown for the focused place."""
        merged = self._merged_bindings or BindingsMap()
        ours = screen_bindings(self.s, self.place, bool(self.state.filters), self.stale)
        self._bindings = BindingsMap.merge([merged, BindingsMap(ours)])

    def update_keys(self) -> None:
        """Show the keys for where the focus is now (and what Esc does there)."""
        self._set_bindings()
        self.refresh_bindings()

    def label_list_keys(self) -> None:
        """The lists' Enter in the footer, in the UI language."""
        self.query_one(ResultList).set_enter_label(self.s("open"))
        self.query_one(FacetPanel).set_enter_label(self.s("key_toggle"))

    def on_descendant_focus(self) -> None:
        self.update_keys()
        facets = self.query_one(FacetPanel)
        if self.focused is facets and facets.highlighted_full:
            self._full_shown = facets.highlighted_full
            self.status(self._full_shown)

    def on_descendant_blur(self) -> None:
        self.update_keys()

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
        self.label_list_keys()
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
        message, hint = exc.render(self.s)
        text = Text()
        text.append(self.s("index_error", message=safe_display(message)), style="bold")
        if hint:
            text.append("\n\n" + safe_display(hint))
        self.show_message(text, error=True)

    def error_line(self, exc: ArkistoError, with_hint: bool = True) -> str:
        """An error in the UI's language, for the status bar."""
        message, hint = exc.render(self.s)
        return message + (f" {hint}" if hint and with_hint else "")

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
                self.update_keys()
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
                self.status(self.error_line(exc, with_hint=False), error=True)
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
        self.update_keys()
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
            if now - last[0] >= PROGRESS_EVERY or p.phase != phase[0] or _first_page(p):
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
                self.status(self.error_line(exc), error=True)
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
        else:  # an update: one line in the status bar, the results stay
            line = self.s("reindexing", done=done, total=total)
            if progress is not None:
                line += " · " + " · ".join(self._progress_detail(progress).split("\n")[1:])
            self.status(line)
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

    def search(self, delay: float = 0.0) -> None:
        if self.ready:
            self.run_search(self.request(), delay)

    @work(exclusive=True, group="search", exit_on_error=False)
    async def run_search(self, req: Request, delay: float = 0.0) -> None:
        """Search for ``req`` and paint the result.  A newer search cancels
        this one: while it waits out ``delay`` (the typing debounce), in the
        backend's queue, or before it paints."""
        # A result, a detail or a facet still on its way belongs to the old query.
        self.workers.cancel_group(self, "detail")
        self.workers.cancel_group(self, "facet")
        if delay:
            await asyncio.sleep(delay)
        job = self._search_job(req)
        fut = self._take_ahead(job)  # the typed text's, searched while the debounce ran
        if fut is None:
            fut = self.backend.submit(self.backend.search, *job)
        # No cyclic collection between here and the painted result (collector.py).
        release = collector.hold()
        painted = False
        try:
            try:
                done, _ = await asyncio.wait({fut}, timeout=self.arkisto.searching_delay)
                if not done:  # slow: say so until it answers
                    self.query_one(QueryBar).show_searching(self.s("searching"))
                res = await fut
            except asyncio.CancelledError:
                fut.cancel()  # superseded: the backend skips it if not yet started
                raise
            except Exception as exc:
                self.say_failed(exc)
                return
            finally:
                if self.backend.take_reopened():
                    self.notified = self.backend.opened
                    self.update_keys()
                    self.status(self.s("index_reopened"))
            if req != self.request():  # the query moved on while this one ran
                return
            self.show_result(res)
            self.call_after_refresh(release)
            self.app.set_timer(collector.LONGEST, release)  # should the refresh never come
            painted = True
        finally:
            if not painted:
                release()
        if res.later:
            await self.fill_snippets(req, res)

    async def fill_snippets(self, req: Request, res: SearchResult) -> None:
        """The snippets of the hits below the screen, which the search left
        for after the paint (a newer search cancels this, as it cancels the
        search's worker)."""
        fut = self.backend.submit(self.backend.fill_snippets, res)
        try:
            places = await fut
        except asyncio.CancelledError:
            fut.cancel()
            raise
        except Exception as exc:
            self.say_failed(exc)  # the hits below stay without their snippets
            return
        if req != self.request() or self.result is not res:
            return
        self.query_one(ResultList).fill(res, places, self.s)

    def say_failed(self, exc: Exception) -> None:
        """What went wrong with a search or a facet's values: an arkisto
        error as itself (its message and hint), anything else as a failed
        search."""
        if isinstance(exc, ArkistoError):
            self.show_error(exc)
        else:
            self.status(self.s("search_failed", error=safe_display(str(exc))), error=True)

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
                # Nothing to show: no earlier record may stay (or arrive) beside it.
                self.workers.cancel_group(self, "detail")
                self.detail_hit = None
                self.query_one(DetailPane).show_placeholder(s("detail_empty"))

    @on(QueryBar.Changed)
    def query_changed(self, event: QueryBar.Changed) -> None:
        self.state.query = event.text
        self.state.offset = 0
        # The debounce runs from the keystroke: the message may have waited
        # behind a refresh of the screen for a few milliseconds.
        rested = time.monotonic() - event.at
        self.search_ahead()
        self.search(delay=max(0.0, self.arkisto.debounce - rested))

    def _search_job(self, req: Request) -> tuple:
        """``Backend.search``'s arguments for ``req``: the config's `redact`
        (which masks the list's snippets too) and the hits that fit on the
        screen, which get their snippets now (the rest after the paint)."""
        settings = self.arkisto.settings
        redaction = (settings.redact, settings.redact_after_days, settings.redact_officials)
        return (req, redaction, self.query_one(ResultList).fits())

    def search_ahead(self) -> None:
        """Search the text typed so far at once, on the backend thread, and
        keep the answer unshown: the debounce still decides when a result is
        painted (once, when typing rests), but the search it starts then
        finds its answer made (``_take_ahead``) if nothing else changed.
        Only the newest text's: a search not yet started for older text is
        dropped, and one that has started is left to finish unshown."""
        self._drop_ahead()
        if self.ready and self.arkisto.debounce:
            job = self._search_job(self.request())
            self._ahead = (job, self.backend.submit(self.backend.search, *job))

    def _take_ahead(self, job: tuple) -> asyncio.Future | None:
        """The answer ``search_ahead`` is making for ``job``, if that is the
        search made ahead (a filter picked, the sort or the screen's size
        changed since: None, and the search made ahead is dropped)."""
        ahead = self._ahead
        if ahead is not None and ahead[0] == job and not ahead[1].cancelled():
            self._ahead = None
            return ahead[1]
        self._drop_ahead()
        return None

    def _drop_ahead(self) -> None:
        if self._ahead is not None:
            # The backend skips it if not yet started; one that failed
            # already is marked as told (asyncio would log it otherwise).
            self._ahead[1].cancel()
            self._ahead = None

    @on(QueryBar.Submitted)
    def query_submitted(self) -> None:
        # Enter within the debounce: search now rather than after it.
        if self.result is not None and self.result.query != self.state.query:
            self.search()
        results = self.query_one(ResultList)
        if results.hits:
            results.focus()

    @on(FacetPanel.WantsAll)
    def facet_wants_all(self, event: FacetPanel.WantsAll) -> None:
        self.fetch_facet(self.request(), event.facet)

    @work(group="facet", exit_on_error=False)
    async def fetch_facet(self, req: Request, name: str) -> None:
        """All the values of facet ``name`` for ``req``, into the panel (the
        search listed the first ``FACET_LIMIT``)."""
        fut = self.backend.submit(self.backend.facet, req, name)
        try:
            facet = await fut
        except asyncio.CancelledError:
            fut.cancel()
            raise
        except Exception as exc:
            self.say_failed(exc)
            return
        if req != self.request():  # the query moved on while this ran
            return
        self.query_one(FacetPanel).fill(facet)

    @on(FacetPanel.ValueHighlighted)
    def facet_value_highlighted(self, event: FacetPanel.ValueHighlighted) -> None:
        """A value shortened to fit the panel: its whole name in the status bar
        (and gone from there when the cursor moves to a value shown whole)."""
        if self.focused is not event.facet_panel:
            return
        if event.full:
            self.status(event.full)
        elif self.query_one(StatusBar).message == self._full_shown:
            self.status("")
        self._full_shown = event.full

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
        self.update_keys()
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
        self.update_keys()

    # --- the detail pane ------------------------------------------------------------------

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def load_detail(self, hit, delay: float = DETAIL_DELAY) -> None:
        self.detail_hit = hit
        self.history.clear()  # a hit from the list starts a new trail
        if delay:
            await asyncio.sleep(delay)  # a newer hit cancels this worker
        rec = hit.record
        if rec is None:
            rec = await self.ask(self.backend.get, hit.id)
            if rec is None:
                return
        await self._show_detail(rec)

    async def _show_detail(self, rec) -> None:
        """Lay out ``rec`` in the detail pane, then (after a rest) its
        same-case and similar decisions, as a list that opens them."""
        hit = self.detail_hit
        terms = list(self.result.terms) if self.result else []
        s = self.s
        # Stemming a long record takes a moment: do it off the event loop.
        text = await run_in_daemon(record_text, rec, s, terms, name="arkisto-detail")
        if self.detail_hit is not hit:  # another hit, or none, since
            return
        detail = self.query_one(DetailPane)
        detail.show_record(rec, text)
        # Related decisions (a more-like-this search) only once the user
        # rests on this hit: typing or moving on cancels this worker before
        # it takes the search thread from the next query.
        await asyncio.sleep(RELATED_DELAY)
        same, similar = await self.ask(self.backend.related, rec)
        if detail.record is rec:
            detail.show_related(same, similar, s)

    @on(DetailPane.RecordOpened)
    def related_opened(self, event: DetailPane.RecordOpened) -> None:
        """Enter on a same-case or similar decision: open it in the detail
        pane; Backspace comes back to this one."""
        detail = self.query_one(DetailPane)
        if detail.record is not None:
            self.history.append(detail.record)
        self.open_record(event.record_id)

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def open_record(self, record_id: str, rec=None) -> None:
        if rec is None:
            rec = await self.ask(self.backend.get, record_id)
        if rec is None:
            self.status(self.s("record_gone"), error=True)
            return
        detail = self.query_one(DetailPane)
        if not self.wide:
            self.add_class("-detail-open")
        detail.focus()
        await self._show_detail(rec)

    def action_detail_back(self) -> None:
        """Backspace: the record shown before the related one opened from it."""
        if not self.history:
            self.status(self.s("nothing_back"))
            return
        rec = self.history.pop()
        self.open_record(rec.id, rec)

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

    def action_projects(self) -> None:
        """`h`: the funded projects of the current query and filters."""
        if not self.ready:
            return
        from .projects import ProjectsScreen

        self.arkisto.push_screen(ProjectsScreen(self.state.query, dict(self.state.filters or {})))

    def action_help(self) -> None:
        from .help import HelpScreen

        self.arkisto.push_screen(HelpScreen(self.key_rows(), self.backend.index_dir))

    def key_rows(self) -> list[tuple[str, str]]:
        """(key as shown, what it does) for each of the screen's keys, as the
        keymap in config.toml binds them."""
        app = self.arkisto
        rows = []
        for b in screen_bindings(self.s, HELP):
            keys = app.keymap.get(b.id or "", b.key).split(",")
            shown = ", ".join(app.get_key_display(b.with_key(k.strip(), key_display=None)) for k in keys)
            rows.append((shown, b.description))
        return rows

    def action_focus_query(self) -> None:
        self.remove_class("-detail-open")
        self.query_one(QueryBar).input.focus()

    def action_back(self) -> None:
        """Esc: out of the query field to the results (or the facets when
        there are no hits); out of an open detail to the list; in a list,
        clear the filters if any, else go back to the query field."""
        focused = self.focused
        results = self.query_one(ResultList)
        if isinstance(focused, Input):
            if results.hits or not self.query_one(FacetPanel).option_count:
                results.focus()
            else:
                self.query_one(FacetPanel).focus()
        elif self.has_class("-detail-open"):
            self.remove_class("-detail-open")
            results.focus()
        elif isinstance(focused, DetailPane):
            results.focus()
        elif self.state.filters:
            self.action_clear_filters()
            self.status(self.s("filters_cleared"))
        else:
            self.query_one(QueryBar).input.focus()
        self.update_keys()

    def selected_record(self):
        """The record the user is looking at: the open detail, else the highlighted hit."""
        detail = self.query_one(DetailPane)
        inside = self.focused is not None and detail in self.focused.ancestors_with_self
        if detail.record is not None and (self.has_class("-detail-open") or inside):
            return detail.record
        hit = self.query_one(ResultList).current_hit
        if hit is not None:
            return hit.record
        return detail.record

    def action_copy(self, fmt: str = "text") -> None:
        """Copy the citation (plain text; "csl" or "bibtex" from the palette)
        to the clipboard where the terminal allows it (OSC 52), and always
        show it in the status bar."""
        rec = self.selected_record()
        if rec is None:
            self.status(self.s("nothing_selected"))
            return
        text = citation(rec, fmt)
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
        self.update_keys()
        self.search()

    def action_export(self) -> None:
        """Ask where to write the current results, and as CSV or JSON Lines."""
        if not self.ready:
            return
        from .export import ExportScreen

        stem = f"arkisto-export-{self.arkisto.clock():%Y%m%d-%H%M%S}"
        self.arkisto.push_screen(ExportScreen(self.arkisto.export_dir, stem, self.s), self._export_chosen)

    def _export_chosen(self, choice) -> None:
        if choice is None:
            self.status(self.s("export_cancelled"))
            return
        self.write_export(*choice)

    @work(exclusive=True, group="export", exit_on_error=False)
    async def write_export(self, path, fmt: str) -> None:
        self.status(self.s("exporting"))
        try:
            settings = self.arkisto.settings  # the config's `redact` applies to what leaves arkisto
            n, path = await self.ask(self.backend.export, self.request(), path, fmt,
                                     (settings.redact, settings.redact_after_days, settings.redact_officials))
        except (ArkistoError, OSError, ValueError) as exc:
            msg = self.error_line(exc, with_hint=False) if isinstance(exc, ArkistoError) else str(exc)
            self.status(self.s("export_failed", error=safe_display(msg)), error=True)
            return
        self.status(self.s("exported", n=n, path=str(path)))

    @work(exclusive=True, group="open-source", exit_on_error=False)
    async def action_open_source(self) -> None:
        """`o`: the source document, the local file at the record's page
        where there is one, else its address, through the app's opener."""
        from ...opener import source_target

        rec = self.selected_record()
        if rec is None:
            self.status(self.s("nothing_selected"))
            return
        target = source_target(rec)
        if target is None:
            self.status(self.s("open_no_source"), error=True)
            return
        self.status(self.s("opening_source", target=target))
        try:
            ok = await run_in_daemon(self.arkisto.opener, target, name="arkisto-open")
        except Exception:
            ok = False
        if ok:
            self.status(self.s("opened_source", target=target))
        else:
            self.status(self.s("open_failed", target=target), error=True)

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
        self.update_keys()
        self.status(self.s("refreshed", n=n))
        self._drop_ahead()  # made on the generation before
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
        self.update_keys()
        self.status(self.s("reindexed", records=report.records, files=report.files_indexed,
                           unchanged=report.files_unchanged, skipped=report.files_skipped, n=report.doc_count))
        self._drop_ahead()  # made on the generation before
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
            self.update_keys()

    # --- language --------------------------------------------------------------------------

    # --- saved searches (screens/saved.py) ------------------------------------------------

    def action_save_search(self) -> None:
        """Ctrl+S: ask a name, and save the current query and filters."""
        if not self.ready:
            return
        from .saved import SaveSearchScreen

        req = self.request()
        query, filters = req.query, req.filter_lists()
        self.arkisto.push_screen(SaveSearchScreen(query, filters, self.s),
                                 lambda name: self._save_named(name, query, filters))

    def _save_named(self, name: str | None, query: str, filters: dict[str, list[str]]) -> None:
        if name is None:
            self.status(self.s("save_cancelled"))
            return
        self.save_search(name, query, filters)

    @work(exclusive=True, group="saved", exit_on_error=False)
    async def save_search(self, name: str, query: str, filters: dict[str, list[str]]) -> None:
        from ... import saved

        try:
            newest = await self.ask(self.backend.newest_indexed)  # what is there now is not new
        except Exception:
            newest = None
        try:
            item = await run_in_daemon(saved.add, name, query, filters, newest, self.arkisto.saved_path)
        except saved.SavedDamagedError as exc:
            self.arkisto.tell(self.error_line(exc), severity="warning", timeout=30)
            return
        except ArkistoError as exc:
            self.status(self.error_line(exc, with_hint=False), error=True)
            return
        self.status(self.s("saved_added", name=item.name))

    @work(exclusive=True, group="saved", exit_on_error=False)
    async def action_saved_searches(self) -> None:
        """Ctrl+O: the saved searches with their new counts; Enter opens one."""
        from ... import saved
        from .saved import SavedSearchesScreen

        try:
            searches = await run_in_daemon(saved.load, self.arkisto.saved_path)
        except saved.SavedDamagedError as exc:
            # Reported with both paths, in a notice that stays a while; the list is empty now.
            self.arkisto.tell(self.error_line(exc), severity="warning", timeout=30)
            searches = []
        except ArkistoError as exc:
            self.status(self.error_line(exc, with_hint=False), error=True)
            return
        self.arkisto.push_screen(SavedSearchesScreen(searches, self.s), self._open_saved)

    def _open_saved(self, item) -> None:
        """Apply a saved search's query and filters, and move its TUI mark."""
        if item is None or not self.ready:
            return
        self.state.filters = {k: tuple(v) for k, v in item.filters.items() if v}
        self.state.offset = 0
        self.state.query = item.query
        bar = self.query_one(QueryBar)
        if bar.value != item.query:
            bar.input.value = item.query
        self.query_one(ResultList).focus()
        self.update_keys()
        self.search()
        self.status(self.s("saved_opened", name=item.name))
        self.mark_opened(item)

    @work(group="saved-mark", exit_on_error=False)
    async def mark_opened(self, item) -> None:
        from ... import saved

        try:
            newest = await self.ask(self.backend.newest_match, item.query, item.filters)
            await run_in_daemon(saved.move_mark, item.name, "opened", newest, self.arkisto.saved_path)
        except ArkistoError as exc:
            self.status(self.error_line(exc, with_hint=False), error=True)

    @work(group="saved-mark", exit_on_error=False)
    async def remove_saved(self, item) -> None:
        from ... import saved

        try:
            await run_in_daemon(saved.remove, item.name, self.arkisto.saved_path)
        except ArkistoError as exc:
            self.status(self.error_line(exc, with_hint=False), error=True)
            return
        self.status(self.s("saved_removed", name=item.name))

    def retranslate(self) -> None:
        """Redraw every string in the current language."""
        s = self.s
        self.label_list_keys()
        self.update_keys()
        self.query_one(QueryBar).set_placeholder(s("search_placeholder"))
        if self.result is not None:
            self.show_result(self.result)
        detail = self.query_one(DetailPane)
        if detail.record is None:
            detail.show_placeholder(s("detail_empty"))
        elif self.detail_hit is not None and not self.wide:
            self.load_detail(self.detail_hit)
