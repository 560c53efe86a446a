"""The TUI while an index is built: the first run's progress (files,
records, rate, ETA, the current file and its page), and waiting for a build
that another process runs instead of starting a second one."""

from __future__ import annotations

import shutil
import subprocess
import sys

from tui_support import settle, sync

from arkisto.tui.app import make_app
from arkisto.tui.screens import SearchScreen
from arkisto.tui.screens import search as search_screen
from helpers import FIXTURES

PDFS = [FIXTURES / "layouts" / "dev" / "ktweb-sv-pdf" / "nykarleby_stadsstyrelsen_2022-01-10.pdf",
        FIXTURES / "layouts" / "dev" / "word-minutes-pdf" / "evijarvi_kunnanhallitus_2025-11-03.pdf"]


def message(app) -> str:
    return str(app.screen.query_one("#message").render())


@sync
async def test_first_run_shows_files_records_eta_and_the_page(tmp_path, monkeypatch):
    sample = tmp_path / "sample"
    sample.mkdir()
    for pdf in PDFS:
        shutil.copy(pdf, sample / pdf.name)
    monkeypatch.setattr(search_screen, "PROGRESS_EVERY", 0.0, raising=False)
    shown: list[str] = []
    real = SearchScreen.on_index_progress

    def spy(self, event) -> None:
        real(self, event)
        shown.append(str(self.query_one("#message").render()))

    monkeypatch.setattr(SearchScreen, "on_index_progress", spy)
    app = make_app(tmp_path / "ix", sample_dir=sample)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert app.screen.ready and app.screen.result.total == 6
    reading = [t for t in shown if "evijarvi_kunnanhallitus_2025-11-03.pdf" in t]
    assert reading and all("Rakennetaan hakemistoa esimerkkiarkistosta… 0/2" in t for t in reading)
    assert any("· sivu " in t and "/5" in t for t in reading)
    assert all("0 tietuetta" in t and "jäljellä noin" in t for t in reading)
    assert any("1/2" in t and "3 tietuetta" in t and "tiedostoa/s" in t for t in shown)
    assert any("6 tietuetta · kirjoitetaan hakemistoa…" in t for t in shown)


@sync
async def test_a_build_by_another_process_is_named_and_waited_for(tmp_path, tui_archive):
    index_dir = tmp_path / "ix"
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import time\nfrom arkisto.search.store import IndexStore\n"
         f"with IndexStore({str(index_dir)!r}).lock(what='indexing'):\n"
         "    print('locked', flush=True)\n    time.sleep(120)\n"],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        app = make_app(index_dir, sample_dir=tui_archive)
        async with app.run_test() as pilot:
            for _ in range(300):
                await pilot.pause(0.05)
                if "rakentaa hakemistoa" in message(app):
                    break
            text = message(app)
            assert f"Toinen arkisto-prosessi (pid {holder.pid}) rakentaa hakemistoa" in text
            assert not app.screen.ready
            holder.kill()
            holder.wait()
            # The other build is gone without an index: this run builds it.
            for _ in range(1200):
                await pilot.pause(0.05)
                if app.screen.ready:
                    break
            await settle(pilot)
            assert app.screen.ready and app.screen.result.total == 6
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


@sync
async def test_an_update_run_shows_records_rate_eta_and_the_page_in_the_status_bar(tui_index, tui_archive):
    """Re-indexing from the palette keeps the results on screen; its status
    line still says how far it is: files, records, rate, ETA, file and page."""
    from arkisto.search.indexer import BuildProgress
    from arkisto.tui.screens.search import IndexProgress
    from arkisto.tui.widgets.status import StatusBar

    app = make_app(tui_index, sample_dir=tui_archive)
    async with app.run_test() as pilot:
        await settle(pilot)
        scr = app.screen
        p = BuildProgress(phase="indexing", files_total=63, files_done=12, records=140, current="/a/b/kauhava.pdf",
                          pages_done=40, pages_total=158, bytes_total=1000, bytes_done=400, current_bytes=300,
                          elapsed=6.0)
        scr.post_message(IndexProgress(p, first_run=False))
        await pilot.pause()
        line = str(scr.query_one(StatusBar).render())
        assert "12/63" in line and "140 tietuetta" in line and "2.0 tiedostoa/s" in line
        assert "kauhava.pdf · sivu 40/158" in line and "jäljellä noin" in line
        assert scr.result is not None and scr.result.total > 0  # the results stay


@sync
async def test_a_pdfs_first_page_is_never_replaced_by_later_progress():
    """PDFium reads a short PDF (or one parsed ahead, its pages replayed at
    once) faster than the screen updates: later progress queued behind the
    first page must not replace it in Textual's message queue, or "sivu 1/5"
    never shows.  Later pages still replace each other (the queue stays short)."""
    from textual.app import App

    from arkisto.search.indexer import BuildProgress
    from arkisto.tui.screens.search import IndexProgress

    seen: list[tuple[str, int]] = []

    class Recorder(App):
        def on_index_progress(self, event: IndexProgress) -> None:
            seen.append((event.progress.current, event.progress.pages_done))

    def at(name: str, page: int, pages: int = 5) -> IndexProgress:
        return IndexProgress(BuildProgress(phase="indexing", current=name, pages_done=page,
                                           pages_total=pages), True)

    app = Recorder()
    async with app.run_test() as pilot:
        # One burst, queued before the app handles any of it.
        for message in (at("a.pdf", 1), at("a.pdf", 2), at("a.pdf", 3), at("a.pdf", 4),
                        at("b.pdf", 1, 2), at("b.pdf", 2, 2)):
            app.post_message(message)
        await pilot.pause()
        await pilot.pause()
    assert ("a.pdf", 1) in seen and ("b.pdf", 1) in seen
    assert seen[-1] == ("b.pdf", 2)
    assert ("a.pdf", 2) not in seen and ("a.pdf", 3) not in seen  # replaced by what followed
