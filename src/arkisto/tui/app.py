"""The arkisto app.  ``run()`` is what the CLI calls; ``make_app()`` builds the
same app for tests and benchmarks (fixed clock, no settings file, no timings).

Startup is light: the first paint happens before the index is opened.  The
search service (and Whoosh) load on the backend's thread; on a first run with
no index, the bundled sample archive is indexed while the screen shows progress.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from textual.app import App
from textual.binding import Binding
from textual.notifications import SeverityLevel

from ..config import Settings
from ..i18n import Msg, Strings
from ..text import safe_display
from .backend import Backend
from .commands import ArkistoCommands
from .screens.search import SearchScreen
from .themes import THEMES


class ArkistoApp(App[int]):
    """Search Finnish municipal decisions."""

    CSS_PATH = "app.tcss"
    TITLE = "arkisto"
    COMMANDS = {ArkistoCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(
        self,
        index_dir: Path,
        lang: str | None = None,
        *,
        settings: Settings | None = None,
        settings_path: Path | None = None,
        save_settings: bool = True,
        sample_dir: Path | None = None,
        use_sample: bool = True,
        export_dir: Path | None = None,
        clock: Callable[[], datetime] = datetime.now,
        show_timing: bool = True,
        cursor_blink: bool = True,
        stale_poll_seconds: float = 3.0,
        opener: Callable[[str], bool] | None = None,
        debounce: float = 0.15,
        searching_delay: float = 0.3,
        saved_path: Path | None = None,
    ) -> None:
        """
        Args:
            index_dir: where the index lives (built there from the sample archive if missing).
            lang: "fi" or "en" (else the settings' language).
            settings: typed settings (theme, page size); loaded from the config file if None.
            settings_path: where to save changed settings (None: the user's config file).
            save_settings: False in tests, so that no config file is written.
            sample_dir: the archive for a first run (default: the bundled sample).
            use_sample: False to show "no index" instead of building one.
            export_dir: the folder `e` offers (default: the user's documents or downloads folder).
            clock: the time used in export file names.
            show_timing: False hides the milliseconds figure (deterministic snapshots).
            cursor_blink: False for snapshots.
            stale_poll_seconds: how often to look for a newer index generation.
            opener: opens a source document's file:// or http(s) address (`o`); True when
                something took it (default: the desktop's, opener.default_opener).
            debounce: seconds of rest after a keystroke in the query before it is
                searched (keys typed within it start no search of their own).
            searching_delay: seconds a search may take before "Haetaan…" shows.
            saved_path: the saved searches file (None: saved.default_path(), $ARKISTO_SAVED).
        """
        super().__init__()
        if settings is None:
            settings, self.settings_problems = Settings.load(settings_path)
        else:
            self.settings_problems = []
        self.settings = settings
        self.settings_path = settings_path
        self.save_settings = save_settings
        self.strings = Strings(lang or settings.lang)
        self._label_palette_key()
        self.backend = Backend(Path(index_dir))
        if use_sample and sample_dir is None:
            from ..locations import sample_data_dir

            sample_dir = sample_data_dir()
        self.sample_dir = sample_dir if use_sample else None
        if export_dir is None:
            from ..export import default_export_folder

            export_dir = default_export_folder()
        self.export_dir = Path(export_dir)
        if opener is None:
            from ..opener import default_opener

            opener = default_opener
        self.opener = opener
        self.clock = clock
        self.show_timing = show_timing
        self.cursor_blink = cursor_blink
        self.stale_poll_seconds = stale_poll_seconds
        self.debounce = debounce
        self.searching_delay = searching_delay
        self.saved_path = saved_path
        self.page_size = settings.page_size
        for theme in THEMES:
            self.register_theme(theme)
        # The [keys] table of config.toml, as Textual's keymap (binding id -> keys).
        self.keymap: dict[str, str] = dict(settings.keys)
        if settings.theme in self.available_themes:
            self.theme = settings.theme

    # Keys as the footer and the help show them: "Esc", "F5", "^q".
    KEY_NAMES = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "Space", "backspace": "Backspace"}

    def get_key_display(self, binding: Binding) -> str:
        modifiers, key = binding.parse_key()
        if binding.key_display is None and not modifiers:
            if key in self.KEY_NAMES:
                return self.KEY_NAMES[key]
            if len(key) > 1 and key[0] == "f" and key[1:].isdigit():
                return key.upper()
        return super().get_key_display(binding)

    def _label_palette_key(self) -> None:
        """Ctrl+P's label in the footer in the UI language (Textual's is "palette")."""
        self._bindings.key_to_bindings[self.COMMAND_PALETTE_BINDING] = [
            Binding(self.COMMAND_PALETTE_BINDING, "command_palette", self.strings("key_palette"),
                    show=False, priority=True)]

    @property
    def search_screen(self) -> SearchScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, SearchScreen):
                return screen
        return None

    def on_mount(self) -> None:
        self.set_keymap(self.keymap)
        self.push_screen(SearchScreen())
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        for problem in self.settings_problems:
            # In the UI's language (a problem from Settings.load is a Msg).
            self.tell(problem.render(self.strings) if isinstance(problem, Msg) else problem, severity="warning")

    def tell(self, message: str, severity: SeverityLevel = "information", timeout: float | None = None) -> None:
        """A notification of plain text.  Messages name files and quote
        values: ``notify`` reads markup unless told not to, and passes escape
        sequences to the terminal, so every notification goes through here."""
        self.notify(safe_display(message), severity=severity, timeout=timeout, markup=False)

    def on_unmount(self) -> None:
        from . import collector

        collector.reset()  # a result that never painted holds the collector no longer
        self.backend.shutdown()

    # --- settings ---------------------------------------------------------------

    def _save(self) -> None:
        if not self.save_settings:
            return
        try:
            self.settings.save(self.settings_path)
        except OSError as exc:
            self.tell(self.strings("settings_not_saved", error=str(exc)), severity="warning")

    def _theme_changed(self, theme) -> None:
        if theme.name == self.settings.theme:
            return
        self.settings.theme = theme.name
        self._save()
        screen = self.search_screen
        if screen is not None:
            screen.status(self.strings("theme_changed", theme=theme.name))

    def set_language(self, lang: str) -> None:
        self.strings = Strings(lang)
        self._label_palette_key()
        self.settings.lang = lang
        self._save()
        screen = self.search_screen
        if screen is not None:
            screen.retranslate()
            screen.status(self.strings("lang_changed"))


def make_app(index_dir: Path, lang: str = "fi", **kw) -> ArkistoApp:
    """The app as tests and benchmarks run it: default settings, nothing saved,
    no timings, no cursor blink (override any of these with keywords)."""
    kw.setdefault("settings", Settings(lang=lang))
    kw.setdefault("save_settings", False)
    kw.setdefault("show_timing", False)
    kw.setdefault("cursor_blink", False)
    kw.setdefault("clock", lambda: datetime(2025, 1, 2, 3, 4, 5))
    return ArkistoApp(index_dir, lang, **kw)


def run(index_dir: Path, lang: str | None = None) -> int:
    """Run the TUI (the CLI's bare ``arkisto``).  Returns the exit code."""
    from ..locations import config_file

    app = ArkistoApp(index_dir, lang, settings_path=config_file())
    app.run()
    return app.return_code or 0
