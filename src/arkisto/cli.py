"""The ``arkisto`` command.  The JSON paths (search, show, export, index) never
import Textual; only the bare ``arkisto`` (the TUI) does."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import (
    EXIT_CODES_HELP,
    EXIT_INTERRUPTED,
    EXIT_NO_RESULTS,
    EXIT_OK,
    EXIT_USAGE,
    ArkistoError,
    from_os_error,
)
from .i18n import Msg
from .locations import resolve_index_dir
from .text import escape_controls, one_line, safe_display

QUERY_HELP = """\
query language:
  words                 all words must match (inflected forms too: hankkeet finds hankkeen);
                        under 10 such results, those with some of the words follow, marked missing: X
  "exact phrase"        words next to each other
  a OR b                either word;   NOT word  or  -word   excludes
  rakennus*             prefix;        päätös~   fuzzy (one edit)
  § 45                  a section number;  case ids such as "HEL 2021-012054" match exactly
  toimielin:X  committee:X      esittelijä:X  presenter:X     vuosi:2024  year:2020-2024
  viranhaltija:X  official:X    an official's decisions (tiimipäällikkö, rehtori …); toimielin: lists bodies
  hanke:X      project:X        rahoittaja:OKM  funder:OKM    tulos:hyväksytty  outcome:approved
  kunta:X      municipality:X   (values match case-insensitively, by prefix: toimielin:kasvatus)
  summa:>100000  amount:<50000  summa:100000..500000   any amount of the record's funded projects;
  myönnetty:/granted:  haettu:/applied:  omarahoitus:/own_share:  kokonaiskustannus:/total_cost:  one role
"""

EPILOG = f"""\
index location: --index DIR, else $ARKISTO_INDEX, else ~/.local/share/arkisto/index

{QUERY_HELP}
{EXIT_CODES_HELP}"""

FACET_FLAGS = {
    "committee": "committee",
    "official": "official",
    "presenter": "presenter",
    "year": "year",
    "project": "funded_project",
    "funder": "funder",
    "municipality": "municipality",
    "outcome": "outcome",
    "kind": "kind",
}


def _add_filters(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("filters, matched as the query language's field:value (any case, else by prefix, "
                             "else within the name); repeat a flag for OR; different flags combine with AND")
    for flag, facet in FACET_FLAGS.items():
        what = "a year, a range like 2020-2024, or puuttuu (no date)" if facet == "year" \
            else f"only results whose {facet.replace('_', ' ')} is this"
        g.add_argument(f"--{flag}", action="append", default=[], metavar=flag.upper(), help=what)


def _add_lang(p: argparse.ArgumentParser) -> None:
    p.add_argument("--lang", dest="lang_sub", choices=["fi", "en"],
                   help="language of the output and its notes (default: config `lang`, else fi); JSON keys stay")


def _add_redact(p: argparse.ArgumentParser) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--redact", dest="redact", action="store_const", const=True, default=None,
                   help="replace personal data by its kind ([nimi], [osoite], [henkilötunnus] …); "
                        "the default comes from the config's `redact` setting")
    g.add_argument("--no-redact", dest="redact", action="store_const", const=False, help="do not redact")
    p.add_argument("--redact-officials", action="store_true", default=None,
                   help="with --redact: the officials' published phone numbers and e-mails too (presenter, "
                        "preparers; left as they are otherwise); the default comes from the config's "
                        "`redact_officials`")


# The shells `arkisto completion` writes for (completion.SHELLS; not imported
# here, so that building the parser for a search stays light).
SHELLS = ("bash", "zsh", "fish")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="arkisto",
        description="Search and browse Finnish municipal decision archives. "
        "With no command, opens the interactive search (TUI).",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"arkisto {__version__}")
    parser.add_argument("--index", metavar="DIR", help="index directory (see below)")
    parser.add_argument("--lang", choices=["fi", "en"],
                        help="language of the TUI and of messages (default: config `lang`, else fi)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("index", help="parse documents and add them to the index",
                       description="Parse files and folders (recursively) and add their records to the index. "
                       "Formats are detected by content. Unchanged files are skipped; deleted files are removed.",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("paths", nargs="*", metavar="PATH",
                   help="files and folders; none: update from those the index was built from")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    p.add_argument("--rebuild", action="store_true", help="start a new index from scratch instead of updating")
    p.add_argument("--resume", action="store_true", help="finish the files an interrupted run left")
    p.add_argument("--quiet", "-q", action="store_true", help="print only the summary and errors")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")
    p.add_argument("--wait", type=float, default=10.0, metavar="SECONDS",
                   help="how long to wait for another indexer to finish (default 10)")
    p.add_argument("--redact", action="store_true",
                   help="replace personal data (identity codes, private contact details, names) by its kind "
                        "before storing: the index holds none of it; the index stays redacted")
    _add_lang(p)

    p = sub.add_parser("search", help="search the index",
                       description="Search the index. Prints a readable list, or JSON with --json.",
                       epilog=QUERY_HELP + "\n" + EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    _add_filters(p)
    p.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance")
    p.add_argument("--limit", type=int, default=20, metavar="N", help="number of hits (default 20)")
    p.add_argument("--offset", type=int, default=0, metavar="N")
    p.add_argument("--json", action="store_true", help="print JSON: query, total, hits, facets")
    p.add_argument("--jsonl", action="store_true",
                   help="print JSON Lines: one hit per line (the fields of --json's hits)")
    p.add_argument("--explain", action="store_true",
                   help="show what the query became: base forms, compound parts and filters searched")
    _add_lang(p)
    _add_redact(p)

    p = sub.add_parser("show", help="show one record, or the handlings of one case",
                       description="Show one record by its id; given a case id (diaarinumero, e.g. "
                       "'HEL 2021-007014'), list every handling of that case, oldest first.",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("id", help="a record id or a case id")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    p.add_argument("--json", action="store_true", help="the record as JSON, with the model's field names")
    _add_lang(p)
    _add_redact(p)

    p = sub.add_parser("projects", help="funded projects, a project's timeline, or funding programmes",
                       description="The funded projects named by the records matching QUERY and the filters "
                                   "(the search's query language: hanke:, rahoittaja:, summa:>100000 …), "
                                   "most records first.  --timeline PROJECT prints one project's timeline; "
                                   "--programmes groups the projects by funder and programme.",
                       formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    p.add_argument("--timeline", metavar="PROJECT", help="one project's timeline (its key or any written form; "
                   "--project is the filter, as in search)")
    p.add_argument("--programmes", action="store_true", help="the funding programmes with their recipients")
    p.add_argument("--json", action="store_true", help="print JSON (see the README's Funded projects section)")
    _add_filters(p)
    _add_lang(p)

    p = sub.add_parser("cite", help="print a citation of one record (text, CSL-JSON or BibTeX)",
                       description="A citation to paste into a memo or an appeal: municipality, body, date, "
                       "§ and case id (annual reports: organisation, title, year).",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("id")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    p.add_argument("--format", choices=["text", "csl", "bibtex"], default="text",
                   help="text (default), csl (CSL-JSON, for Zotero/Pandoc) or bibtex")
    _add_lang(p)

    p = sub.add_parser("related", help="decisions related to one record: same case id, and similar ones",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("id")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    p.add_argument("--limit", type=int, default=8, metavar="N")
    p.add_argument("--json", action="store_true")
    _add_lang(p)

    p = sub.add_parser("export", help="export records as JSON Lines, CSV or OpenSearch bulk NDJSON",
                       description="Export every record (or those matching QUERY and filters) with the model's field "
                       "names. --format opensearch-bulk writes an OpenSearch bulk file of arkisto's analysed tokens "
                       "and, beside it, the index mapping that reads them (FILE.mapping.json, or --mapping FILE); "
                       "see docs/scale.md.",
                       epilog=QUERY_HELP + "\n" + EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("query", nargs="*", metavar="QUERY")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    _add_filters(p)
    p.add_argument("--format", choices=["jsonl", "csv", "opensearch-bulk"], default="jsonl")
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead of standard output")
    p.add_argument("--mapping", metavar="FILE",
                   help="opensearch-bulk: write the index mapping here (default: FILE.mapping.json beside --output)")
    p.add_argument("--bulk-index", metavar="NAME",
                   help="opensearch-bulk: the index the bulk actions name (default arkisto)")
    _add_lang(p)
    _add_redact(p)

    p = sub.add_parser("check", help="verify the index against its manifest (file hashes)",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    _add_lang(p)

    p = sub.add_parser("paths", help="print where the config, data and index live")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    _add_lang(p)

    p = sub.add_parser("completion", help="write a shell completion script (bash, zsh or fish)",
                       description="Write a completion script for the subcommands and options of arkisto, "
                       "where the shell looks for it (or to --output FILE; `-o -` prints it), and say how to "
                       "enable it.", epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("shell", choices=SHELLS)
    p.add_argument("--output", "-o", metavar="FILE", help="write here instead (- prints it)")
    _add_lang(p)

    p = sub.add_parser("new", help="what is new in the saved searches since the last `arkisto new` (for cron)",
                       description="Print the records that first entered the index since the last `arkisto new`, "
                       "grouped by saved search (all of them, or NAME), then remember the newest one printed: "
                       "each record is printed once across runs. With nothing new it prints one line "
                       "(none with --quiet) and exits 0. Opening a search in the TUI does not change what "
                       "this prints (the two keep their own marks).",
                       epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("name", nargs="?", metavar="NAME", help="one saved search (default: all)")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    p.add_argument("--json", action="store_true",
                   help='print JSON: {"searches": [{"name", "query", "filters", "since", "new": [records]}], "total"}')
    p.add_argument("--quiet", "-q", action="store_true", help="print nothing when nothing is new (for cron)")
    p.add_argument("--keep-mark", action="store_true",
                   help="print what is new without marking it seen (the next run prints it again)")
    _add_lang(p)
    _add_redact(p)

    p = sub.add_parser("saved", help="saved searches: add, list, remove",
                       description="Saved searches live in saved.json in the user's data directory "
                       "(`arkisto paths`; $ARKISTO_SAVED names another file). `arkisto new` prints what is "
                       "new in them.", epilog=EXIT_CODES_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    # --index and --lang go after the action (`saved list --lang en`): an
    # action's own defaults would overwrite them given before it.
    ssub = p.add_subparsers(dest="saved_command", metavar="ACTION", required=True)
    sp = ssub.add_parser("add", help="save a query and filters under a name",
                         epilog=QUERY_HELP + "\n" + EXIT_CODES_HELP,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    sp.add_argument("name", metavar="NAME")
    sp.add_argument("query", nargs="*", metavar="QUERY")
    sp.add_argument("--index", dest="index_sub", metavar="DIR")
    _add_filters(sp)
    sp.add_argument("--replace", action="store_true", help="replace a saved search of the same name")
    _add_lang(sp)
    sp = ssub.add_parser("list", help="the saved searches with what is new in each", epilog=EXIT_CODES_HELP,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    sp.add_argument("--index", dest="index_sub", metavar="DIR")
    sp.add_argument("--json", action="store_true",
                    help='print JSON: [{"name", "query", "filters", "created", "opened", "reported", '
                         '"new", "new_since_opened"}]')
    _add_lang(sp)
    sp = ssub.add_parser("remove", help="remove a saved search", epilog=EXIT_CODES_HELP,
                         formatter_class=argparse.RawDescriptionHelpFormatter)
    sp.add_argument("name", metavar="NAME")
    sp.add_argument("--index", dest="index_sub", metavar="DIR")
    _add_lang(sp)

    p = sub.add_parser("tui", help="open the interactive search (the default)")
    p.add_argument("--index", dest="index_sub", metavar="DIR")
    _add_lang(p)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "export" and args.format != "opensearch-bulk" and (args.mapping or args.bulk_index):
        parser.error("--mapping and --bulk-index go with --format opensearch-bulk")
    from .config import Settings

    settings, config_problems = Settings.load()
    index_dir = resolve_index_dir(getattr(args, "index_sub", None) or args.index, settings.index)
    env_lang = os.environ.get("ARKISTO_LANG", "").lower()
    lang = getattr(args, "lang_sub", None) or args.lang or (env_lang if env_lang in ("fi", "en") else None)
    args.ui_lang = lang or settings.lang
    s = _strings(args)
    for problem in config_problems:
        print(f"arkisto: {problem.render(s)}", file=sys.stderr)
    try:
        if args.command == "paths":
            return _paths(index_dir, s)
        if args.command == "completion":
            return _completion(args, parser)
        if args.command in (None, "tui"):
            return _tui(index_dir, lang or settings.lang, s)
        if args.command == "index":
            return _index(args, index_dir)
        if args.command == "saved":
            return _saved(args, index_dir)
        args.redaction = _redaction(args, settings)
        if args.command == "search":
            return _search(args, index_dir)
        if args.command == "show":
            return _show(args, index_dir)
        if args.command == "export":
            return _export(args, index_dir)
        if args.command == "related":
            return _related(args, index_dir)
        if args.command == "projects":
            return _projects(args, index_dir)
        if args.command == "cite":
            return _cite(args, index_dir)
        if args.command == "check":
            return _check(index_dir, s)
        if args.command == "new":
            return _new(args, index_dir)
    except ArkistoError as exc:
        message, hint = exc.render(s)
        print(f"arkisto: {message}", file=sys.stderr)
        if hint:
            print(hint, file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        _say(f"arkisto: {s('cli_interrupted')}")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # `arkisto export | head`: the reader went away; that is fine.
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    except OSError as exc:
        # Writing to a terminal that was closed, a full disk under an
        # output file, …: the message and its exit code, never a traceback.
        err = from_os_error(exc, "writing_output", hint=Msg("hint_output"))
        _say(f"arkisto: {err.render(s)[0]}")
        return err.exit_code
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def _say(text: str) -> None:
    """A line on stderr, if there still is one (SIGHUP closes the terminal)."""
    try:
        print(text, file=sys.stderr)
    except OSError:
        pass


def _isatty(stream) -> bool:
    try:
        return stream.isatty()
    except (OSError, ValueError, AttributeError):
        return False


def _filters(args) -> dict[str, list[str]]:
    return {facet: getattr(args, flag) for flag, facet in FACET_FLAGS.items() if getattr(args, flag)}


# --- index ------------------------------------------------------------------------


def _clock(seconds: float) -> str:
    """0:07, 12:30, 1:02:03."""
    s = int(seconds + 0.5)
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


def progress_line(p, s) -> str:
    """A build's progress (``indexer.BuildProgress``) in words, in the
    language of ``s``: files done and total, records, rate and ETA."""
    if p.phase == "scanning":
        return s("cli_scanning")
    files = s("cli_files", done=p.files_done, total=p.files_total)
    records = s("cli_records", n=p.records)
    if p.phase in ("writing", "done"):
        return f"{files} · {records} · {s('cli_writing')}"
    parts = [files, records]
    if p.files_done:
        rate = f"{p.rate:.1f}"
        parts.append(s("cli_rate", rate=rate.replace(".", ",") if s.lang == "fi" else rate))
    eta = p.eta
    parts.append(s("cli_eta", clock=_clock(eta)) if eta is not None else s("cli_eta_unknown"))
    return " · ".join(parts)


def progress_file(p, s) -> str:
    """The file being read, and its page for a PDF.  File names are
    untrusted: control characters escaped."""
    if p.phase != "indexing" or not p.current:
        return ""
    name = escape_controls(os.path.basename(p.current))
    return s("cli_file_page", name=name, done=p.pages_done, total=p.pages_total) if p.pages_total else name


class _PlainProgress:
    """Progress on a stderr that is not a terminal (a log, a pipe): a plain
    line now and then (every ARKISTO_PROGRESS_SECONDS, 10 by default), never
    a carriage return or an escape sequence.  A short run prints none."""

    def __init__(self, s):
        self.s = s
        try:
            self.every = max(0.0, float(os.environ.get("ARKISTO_PROGRESS_SECONDS", "10")))
        except ValueError:
            self.every = 10.0
        self.last = time.monotonic()
        self.phase = ""

    def __call__(self, p) -> None:
        now = time.monotonic()
        if now - self.last < self.every or p.phase in ("scanning", "done"):
            return
        if p.phase == "writing" and self.phase == "writing":
            return  # said once
        self.last = now
        self.phase = p.phase
        current = progress_file(p, self.s)
        _say(self.s("cli_progress", line=progress_line(p, self.s)) + (f" · {current}" if current else ""))

    def problem(self, line: str) -> None:
        _say(line)

    def stop(self) -> None:
        pass


class _RichProgress:
    """Progress on a terminal: Rich's progress display (a bar, the percentage,
    the progress line and below it the current file), redrawn from the indexer's reports at most ten
    times a second.  No refresh thread: the indexer forks its parsers, and a
    thread holding stderr's lock at a fork could hang the child."""

    def __init__(self, s):
        self.s = s
        from rich.console import Console
        from rich.progress import BarColumn, Progress, ProgressColumn, TaskProgressColumn
        from rich.text import Text

        class LineColumn(ProgressColumn):
            def render(self, task) -> Text:
                # Texts, never markup: file names are untrusted.
                out = Text(task.fields.get("line", ""), no_wrap=True, overflow="ellipsis")
                current = task.fields.get("current", "")
                if current:
                    out.append("\n" + current, style="dim")
                return out

        self.Text = Text
        self.console = Console(file=sys.stderr, highlight=False)
        self.progress = Progress(BarColumn(bar_width=24), TaskProgressColumn(), LineColumn(),
                                 console=self.console, auto_refresh=False, transient=True,
                                 redirect_stdout=False, redirect_stderr=False)
        self.task = self.progress.add_task("index", total=1000, line=s("cli_scanning"))
        self.last = 0.0
        self.phase = ""
        self.live = True
        try:
            self.progress.start()
        except OSError:
            self.live = False

    def __call__(self, p) -> None:
        if not self.live:
            return
        now = time.monotonic()
        # A PDF's first page is always shown: PDFium reads a short one within
        # the 0.1 s between redraws, and "(page 1/5)" would never appear.
        first_page = p.pages_done == 1 and p.pages_total > 0
        if now - self.last < 0.1 and p.phase == self.phase and not first_page:
            return
        self.last, self.phase = now, p.phase
        self.progress.update(self.task, completed=int(p.fraction * 1000), line=progress_line(p, self.s),
                             current=progress_file(p, self.s))
        try:
            self.progress.refresh()
        except OSError:  # the terminal went away (SIGHUP): indexing goes on
            self.live = False

    def problem(self, line: str) -> None:
        if not self.live:
            _say(line)
            return
        try:
            self.console.print(self.Text(line), soft_wrap=True)
        except OSError:
            self.live = False

    def stop(self) -> None:
        if self.live:
            try:
                self.progress.stop()
            except OSError:
                pass
            self.live = False


def _index(args, index_dir: Path) -> int:
    from .search.indexer import index_paths, read_pending

    s = _strings(args)
    paths = list(args.paths)
    if args.resume:
        pending = read_pending(index_dir)
        if not pending and not paths:
            print(f"arkisto: {s('cli_nothing_to_resume')}", file=sys.stderr)
            return EXIT_OK
        paths += pending
    if not paths:
        from .search.indexer import indexed_roots

        paths = indexed_roots(index_dir)
        if not paths:
            print(f"arkisto index: {s('cli_index_give_paths')}", file=sys.stderr)
            return EXIT_USAGE
        if not args.quiet and not args.json:
            print(s("cli_updating_from", paths=", ".join(escape_controls(p) for p in paths)), file=sys.stderr)
    progress: _RichProgress | _PlainProgress | None = None
    if not args.quiet and not args.json:
        progress = _RichProgress(s) if _isatty(sys.stderr) else _PlainProgress(s)
    marker = index_dir / REDACTED_MARKER
    redact = args.redact or marker.exists()
    if redact and not marker.exists() and not args.rebuild:
        from .search.indexer import indexed_roots

        if indexed_roots(index_dir):
            # Records already stored hold personal data: every file is read again.
            args.rebuild = True
            _say("arkisto index: " + s("cli_redact_rebuilding"))

    def on_problem(p) -> None:
        if args.quiet and p.severity != "error":
            return
        if args.json:
            return
        # The framing in the UI's language; what was wrong (the parser's
        # words) as the problem says it.  Problem's str is one line, controls escaped.
        line = f"{s('problem_' + p.severity)}: {p.line(s)}"
        if progress is not None:
            progress.problem(line)
        else:
            _say(line)

    try:
        report = index_paths(paths, index_dir, rebuild=args.rebuild, progress=progress, on_problem=on_problem,
                             lock_wait=max(0.0, args.wait), redact=redact)
    finally:
        if progress is not None:
            progress.stop()
    if redact and not report.discarded and not marker.exists():
        marker.write_text("personal data is replaced by its kind in this index (arkisto index --redact)\n",
                          encoding="utf-8")
    if args.json:
        out = {
            "index": str(index_dir),
            "generation": report.generation,
            "files_seen": report.files_seen,
            "files_indexed": report.files_indexed,
            "files_unchanged": report.files_unchanged,
            "files_skipped": report.files_skipped,
            "files_skipped_unchanged": report.files_skipped_unchanged,
            "files_deleted": report.files_deleted,
            "records": report.records,
            "doc_count": report.doc_count,
            "repaired": report.repaired,
            "warnings": report.warnings,
            "interrupted": report.interrupted,
            "pending": report.pending,
            "by_format": report.by_format,
            "problems": [
                {"path": p.path, "where": p.where, "severity": p.severity, "message": p.message}
                for p in report.problems
            ],
        }
        print(json.dumps(out, ensure_ascii=False, indent=2))
    elif report.discarded:
        _say(f"{s('cli_discarded', n=report.doc_count)}\n{s('help_index', path=index_dir)}")
    else:
        _say(f"{report.summary(s)}\n{s('help_index', path=index_dir)}")
        if report.interrupted and report.pending:
            _say(s("cli_pending", n=len(report.pending)))
        elif report.interrupted:
            _say(s("cli_interrupted_complete"))
    if report.interrupted:
        return 128 + report.signal if report.signal else EXIT_INTERRUPTED
    return EXIT_OK


# --- search / show / export ------------------------------------------------------------


def _service(index_dir: Path):
    from .search.service import SearchService

    return SearchService(index_dir)


def _search(args, index_dir: Path) -> int:
    query = " ".join(args.query)
    if args.limit < 0 or args.offset < 0:
        print(f"arkisto search: {_strings(args)('cli_limit_offset')}", file=sys.stderr)
        return EXIT_USAGE
    from .export import redact_hit

    with _service(index_dir) as svc:
        try:
            res = svc.search(query, filters=_filters(args), sort=args.sort, limit=args.limit, offset=args.offset)
            explained = svc.explain(query, _filters(args)) if args.explain else None
            for h in res.hits:
                redact_hit(h, svc, *args.redaction)
        except ValueError as exc:
            print(f"arkisto search: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.jsonl:
        for h in res.hits:
            sys.stdout.write(json.dumps(h.to_json(), ensure_ascii=False) + "\n")
        return EXIT_OK if res.total else EXIT_NO_RESULTS
    if args.json:
        from .notes import to_json

        out = res.to_json()
        # hints: the notes' English text, as before; notes: each with a
        # stable code (what a script should test), its text in --lang, and
        # its parameters.
        out["notes"] = [to_json(h, args.ui_lang) for h in res.hints]
        if explained is not None:
            out["explain"] = explained
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        s = _strings(args)
        if explained is not None:
            _print_explain(explained, s)
        _print_results(res, s)
    return EXIT_OK if res.total else EXIT_NO_RESULTS


def _strings(args):
    from .i18n import Strings

    return Strings(getattr(args, "ui_lang", None))


def _note(s, text: str) -> str:
    """A note in the output's language, one line, safe to print."""
    from .notes import text as note_text

    return s("cli_note", text=one_line(safe_display(note_text(text, s.lang))))


def _print_explain(ex: dict, s) -> None:
    out = sys.stdout
    out.write(s("cli_explain_query", query=repr(ex["query"]), analyzer=ex["analyzer"]) + "\n")
    for w in ex["words"]:
        if "ignored" in w:
            out.write(f"  {safe_display(w['word'])}: {s('explain_stopword')}\n")
            continue
        parts = s("cli_explain_parts", parts=", ".join(w["compound_parts"])) if w["compound_parts"] else ""
        out.write(f"  {safe_display(w['word'])}: {s('cli_explain_base_forms', forms=', '.join(w['base_forms']))}"
                  f"{parts}\n")
    if ex["expanded"] != ex["query"]:
        out.write(f"  {s('explain_searched_as')}: {safe_display(ex['expanded'])}\n")
    for facet, values in ex["filters"].items():
        out.write(f"  {s('cli_explain_filter', facet=s(facet).lower())}: "
                  f"{' OR '.join(safe_display(v) for v in values)}\n")
    for typed in ex.get("amounts", []):
        out.write(f"  {s('cli_explain_filter', facet=s('amounts_col'))}: {safe_display(typed)}\n")
    out.write("  " + s("cli_explain_matches", n=ex["matches"]))
    if ex.get("all_words_matches", ex["matches"]) != ex["matches"]:
        out.write(s("cli_explain_all_words", n=ex["all_words_matches"]))
    out.write("\n\n")


def _projects(args, index_dir: Path) -> int:
    """`arkisto projects`: the projects table, one project's timeline
    (--project) or the programmes (--programmes); JSON with --json."""
    query = " ".join(args.query)
    s = _strings(args)
    with _service(index_dir) as svc:
        try:
            if args.timeline:
                return _project_timeline(args, svc.project(args.timeline), s)
            if args.programmes:
                progs = svc.programmes(query, _filters(args))
                return _print_programmes(args, query, progs, s)
            projects, notes = svc.projects(query, _filters(args))
        except ValueError as exc:
            print(f"arkisto projects: {exc}", file=sys.stderr)
            return EXIT_USAGE
    if args.json:
        from .notes import to_json

        json.dump({"query": query, "total": len(projects), "projects": [p.to_json() for p in projects],
                   "notes": [to_json(n, args.ui_lang) for n in notes]}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK if projects else EXIT_NO_RESULTS
    for n in notes:
        print(_note(s, n), file=sys.stderr)
    if not projects:
        print(f"arkisto projects: {s('cli_no_projects')}", file=sys.stderr)
        return EXIT_NO_RESULTS
    from .render import amounts_line, fi_date

    rows = [(p.name, ", ".join(p.funders), amounts_line(p.amounts, s),
             "–".join(dict.fromkeys(fi_date(d) for d in (p.first, p.last) if d)), str(p.records)) for p in projects]
    head = (s("project_col"), s("funder_col"), s("amounts_col"), s("mentions_col"), s("records_col"))
    _table(head, rows)
    return EXIT_OK


def _table(head: tuple[str, ...], rows: Sequence[tuple[str, ...]], right: bool = True) -> None:
    """Columns padded to their widest cell (the first two cut at 40; the
    last, a count, to the right), the text one line and safe to print."""
    cells = [tuple(one_line(safe_display(c)) for c in r) for r in [head, *rows]]
    cells = [tuple(c[:39] + "…" if i < 2 and len(c) > 40 else c for i, c in enumerate(r)) for r in cells]
    widths = [max(len(r[i]) for r in cells) for i in range(len(head))]
    for r in cells:
        line = "  ".join(c.rjust(w) if right and i == len(head) - 1 else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths)))
        sys.stdout.write(line.rstrip() + "\n")


def _project_timeline(args, timeline, s) -> int:
    if timeline is None:
        print(f"arkisto projects: {s('cli_no_project', name=repr(args.timeline))}", file=sys.stderr)
        return EXIT_NO_RESULTS
    if args.json:
        json.dump(timeline.to_json(), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    from .render import amount_text, amounts_line, fi_date

    p = timeline.project
    out = sys.stdout
    out.write(one_line(safe_display(s("cli_project_head", name=p.name, n=p.records))) + "\n")
    for label, value in ((s("project_aliases"), ", ".join(p.aliases)), (s("funder_col"), ", ".join(p.funders)),
                         (s("project_programme"), p.programme or ""), (s("amounts_col"), amounts_line(p.amounts, s)),
                         (s("project_municipalities"), ", ".join(p.municipalities))):
        if value:
            out.write(f"  {label}: {one_line(safe_display(value))}\n")
    out.write("\n")
    for i, e in enumerate(timeline.entries, start=1):
        when = fi_date(e.date) if e.date else (str(e.year) if e.year else s("timeline_undated"))
        stage = f" · {s('stage_' + e.stage)}" if e.stage else ""
        out.write(f"{i:>3}. {when} · {one_line(safe_display(e.citation))}{stage}\n")
        if e.title:
            out.write(f"     {one_line(safe_display(e.title))}\n")
        if e.sentence:
            out.write(f"     “{one_line(safe_display(e.sentence))}”\n")
        if e.amounts:
            out.write("     " + "; ".join(amount_text(a["role"], a["euros"], a["year"], s) for a in e.amounts) + "\n")
        out.write(f"     id {escape_controls(e.id)}\n")
    return EXIT_OK


def _print_programmes(args, query: str, progs, s) -> int:
    if args.json:
        json.dump({"query": query, "programmes": [g.to_json() for g in progs]}, sys.stdout,
                  ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK if progs else EXIT_NO_RESULTS
    if not progs:
        print(f"arkisto projects: {s('cli_no_projects')}", file=sys.stderr)
        return EXIT_NO_RESULTS
    from .render import amounts_line

    for g in progs:
        sys.stdout.write(one_line(safe_display(s("programme_head", name=g.name, funder=g.funder or "–",
                                                   n=len(g.recipients)))) + "\n")
        _table(("", s("project_col"), s("amounts_col")),
               [(r.municipality or "–", r.name, amounts_line(r.amounts, s)) for r in g.recipients], right=False)
        sys.stdout.write("\n")
    return EXIT_OK


def _related(args, index_dir: Path) -> int:
    s = _strings(args)
    with _service(index_dir) as svc:
        if svc.get(args.id) is None:
            print(f"arkisto related: {s('cli_no_record', id=repr(args.id))}", file=sys.stderr)
            return EXIT_NO_RESULTS
        rel = svc.related(args.id, limit=args.limit)
    if args.json:
        json.dump({k: [h.to_json() for h in v] for k, v in rel.items()}, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    for key, label in (("same_case", s("cli_same_case")), ("similar", s("similar"))):
        sys.stdout.write(f"{label}:\n")
        if not rel[key]:
            sys.stdout.write(f"  {s('cli_none')}\n")
        for h in rel[key]:
            meta = " · ".join(x for x in [h.committee, _fi_date(h.meeting_date), h.section and f"§ {h.section}"] if x)
            sys.stdout.write(f"  {one_line(safe_display(h.title))}\n    {one_line(safe_display(meta))} · id {escape_controls(h.id)}\n")
            if h.shared:
                sys.stdout.write(f"    shared words: {one_line(safe_display(', '.join(h.shared)))}\n")
    return EXIT_OK


def _bold(s: str, on: bool) -> str:
    return f"\x1b[1m{s}\x1b[0m" if on else s


def _print_results(res, s) -> None:
    tty = sys.stdout.isatty()
    out = sys.stdout
    for h in res.hints:
        print(_note(s, h), file=sys.stderr)
    if res.all_words_total is not None:
        text = s("cli_all_words", n=res.all_words_total, total=res.total) if res.all_words_total \
            else s("cli_no_all_words")
        print(s("cli_note", text=text), file=sys.stderr)
    shown = s("cli_shown", start=res.offset + 1, end=res.offset + len(res.hits)) \
        if res.hits and res.total > len(res.hits) else ""
    out.write(s("cli_results", shown=shown, total=res.total, query=repr(res.query), ms=res.elapsed_ms) + "\n\n")
    for i, h in enumerate(res.hits, start=res.offset + 1):
        out.write(f"{i:>3}. {_bold(one_line(safe_display(h.title)), tty)}\n")
        meta = [h.municipality, h.committee, _fi_date(h.meeting_date), h.section and f"§ {h.section}",
                s.outcome(h.outcome)]
        if h.missing:
            meta.append(s("missing_words", words=", ".join(h.missing)))
        out.write("     " + " · ".join(one_line(safe_display(m)) for m in meta if m) + "\n")
        snippet = safe_display(h.snippet)
        if tty:
            parts, pos = [], 0
            for a, b in h.highlights:
                parts += [snippet[pos:a], _bold(snippet[a:b], True)]
                pos = b
            parts.append(snippet[pos:])
            snippet = "".join(parts)
        if snippet:
            out.write(f"     {snippet}\n")
        out.write(f"     id {escape_controls(h.id)} · {escape_controls(h.source.get('path', ''))}\n\n")
    for name, facet in res.facets.items():
        values = [v for v in facet.values if v.count or v.selected][:8]
        if not values:
            continue
        text = ", ".join(f"{'*' if v.selected else ''}{safe_display(_facet_value(s, name, v.value))} ({v.count})"
                         for v in values)
        more = " …" if facet.truncated or len(facet.values) > 8 else ""
        out.write(f"{s(name)}: {text}{more}\n")


def _facet_value(s, facet: str, value: str) -> str:
    """A facet value as the output's language names it (outcomes, kinds,
    the records without a date); names as they are."""
    from .models import NO_DATE

    if facet == "outcome":
        return s.outcome(value)
    if facet == "kind":
        return s(f"kind_{value}")
    if facet == "year" and value == NO_DATE:
        return s("no_date")
    return value


def _fi_date(iso: str | None) -> str:
    from .render import fi_date

    return fi_date(iso)


def _show(args, index_dir: Path) -> int:
    s = _strings(args)
    with _service(index_dir) as svc:
        rec = svc.get(args.id)
        handlings = svc.case(args.id) if rec is None else []
    if rec is None and handlings:
        return _show_case(args, handlings)
    if rec is None:
        print(f"arkisto show: {s('cli_no_record', id=repr(args.id))}", file=sys.stderr)
        return EXIT_NO_RESULTS
    from .export import redacted

    rec = redacted(rec, *args.redaction)
    if args.json:
        sys.stdout.write(rec.model_dump_json(indent=2) + "\n")
        return EXIT_OK
    from .render import record_lines

    for line in record_lines(rec, s):
        sys.stdout.write(safe_display(line) + "\n")
    return EXIT_OK


def _show_case(args, handlings) -> int:
    """`arkisto show 'HEL 2021-007014'`: the handlings of one case, oldest
    first, each with its citation and id (`arkisto show ID` opens one)."""
    from .cite import citation

    case_id = handlings[0].record.case_id if handlings[0].record is not None else args.id
    if args.json:
        out = {"case_id": case_id, "handlings": [dict(h.to_json(), citation=citation(h.record))
                                                 for h in handlings if h.record is not None]}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return EXIT_OK
    s = _strings(args)
    sys.stdout.write(s("cli_case_head", case=one_line(safe_display(case_id)), n=len(handlings)) + "\n\n")
    for i, h in enumerate(handlings, start=1):
        sys.stdout.write(f"{i:>3}. {one_line(safe_display(citation(h.record)))}\n")
        if h.title:
            sys.stdout.write(f"     {one_line(safe_display(h.title))}\n")
        if h.outcome:
            sys.stdout.write(f"     {s('outcome').lower()}: {s.outcome(h.outcome)}\n")
        sys.stdout.write(f"     id {escape_controls(h.id)}\n")
    return EXIT_OK


def _cite(args, index_dir: Path) -> int:
    from .cite import cite

    with _service(index_dir) as svc:
        rec = svc.get(args.id)
    if rec is None:
        print(f"arkisto cite: {_strings(args)('cli_no_record_id', id=repr(args.id))}", file=sys.stderr)
        return EXIT_NO_RESULTS
    text = cite(rec, args.format)
    sys.stdout.write(safe_display(text) + "\n")
    return EXIT_OK


def _export(args, index_dir: Path) -> int:
    from .export import write_export

    query = " ".join(args.query)
    with _service(index_dir) as svc:
        if query.strip() or _filters(args):
            s = _strings(args)
            res = svc.search(query, filters=_filters(args), limit=0, facet_limit=0)
            for h in res.hints:
                print(_note(s, h), file=sys.stderr)
            if res.all_words_total is not None:
                print(s("cli_note", text=s("cli_export_all_words", n=res.all_words_total, total=res.total)),
                      file=sys.stderr)
        from .export import Redacting

        source = Redacting(svc, *args.redaction)
        if args.output:
            n = _export_to_file(source, args, query)
            print(_strings(args)("exported", n=n, path=escape_controls(args.output)), file=sys.stderr)
        else:
            n = write_export(source, sys.stdout, args.format, query, _filters(args), args.bulk_index)
        if args.format == "opensearch-bulk":
            _export_mapping(args, n)
    return EXIT_OK


def _export_mapping(args, records: int) -> None:
    """The index mapping an OpenSearch bulk export needs, at --mapping, else
    at FILE.mapping.json beside --output.  A bulk file on standard output
    without --mapping gets none, and a note says how to have it."""
    from .opensearch import write_mapping

    s = _strings(args)
    path = args.mapping or (args.output + ".mapping.json" if args.output else None)
    if path is None:
        print(s("cli_note", text=s("cli_export_no_mapping")), file=sys.stderr)
        return
    _write_atomically(Path(path), lambda fh: write_mapping(fh, records))
    print(s("exported_mapping", path=escape_controls(path)), file=sys.stderr)


def _export_to_file(svc, args, query: str) -> int:
    """Write the export next to ``--output`` and rename it into place, so a
    full disk or an error halfway never leaves half a file under its name."""
    from .export import write_export

    return _write_atomically(Path(args.output),
                             lambda fh: write_export(svc, fh, args.format, query, _filters(args), args.bulk_index))


def _write_atomically(out: Path, write):
    """``write(file)`` to a file beside ``out``, then renamed into place."""
    tmp = out.with_name(f".{out.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            n = write(fh)
        os.replace(tmp, out)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise from_os_error(exc, "writing", safe_display(str(out)), Msg("hint_export_output")) from None
    return n


# --- redaction (ingest/personal.py) ------------------------------------------------

REDACTED_MARKER = "REDACTED"  # in an index built with --redact: later runs redact too


def _redaction(args, settings) -> tuple[str, int, bool]:
    """(mode, days, officials) for this command: --redact / --no-redact,
    else the config; --redact-officials (or the config's) adds the
    officials' published contact details, and implies --redact."""
    officials = bool(getattr(args, "redact_officials", None) or settings.redact_officials)
    flag = getattr(args, "redact", None)
    if flag is True or (flag is None and getattr(args, "redact_officials", None)):
        return "always", 0, officials
    if flag is False:
        return "never", 0, officials
    return settings.redact, settings.redact_after_days, officials


def _check(index_dir: Path, s) -> int:
    from .search.store import IndexStore

    from .search.service import SearchService

    store = IndexStore(index_dir)
    manifest = store.manifest()
    store.check(manifest, deep=True)
    # Hashes cannot tell a manifest rewritten to match planted data: read
    # everything, through the restricted unpickler.
    with SearchService(index_dir) as svc:
        terms = svc.verify()
    print(s("cli_check_ok", path=index_dir, gen=manifest.generation, n=manifest.doc_count, terms=terms,
            sources=len(manifest.sources)))
    return EXIT_OK


# --- completion ---------------------------------------------------------------------------


def _completion(args, parser: argparse.ArgumentParser) -> int:
    """Write the completion script where the shell looks for it (or to
    --output), atomically, and say how to enable it; ``-o -`` prints it."""
    from .completion import default_path, how_to_enable, script

    text = script(args.shell, parser)
    if args.output == "-":
        sys.stdout.write(text)
        return EXIT_OK
    out = Path(args.output).expanduser() if args.output else default_path(args.shell, parser.prog)
    tmp = out.with_name(f".{out.name}.part")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, out)
    except OSError as exc:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise from_os_error(exc, "writing", safe_display(str(out)), Msg("hint_completion_output")) from None
    s = _strings(args)
    print(s("cli_completion_written", shell=args.shell, path=escape_controls(str(out))), file=sys.stderr)
    print(how_to_enable(args.shell, out, default=not args.output, s=s), file=sys.stderr)
    return EXIT_OK


# --- saved searches and what is new --------------------------------------------------------


def _filters_text(filters: dict[str, list[str]]) -> str:
    """Filters as the query language writes them (committee:"X Y")."""
    out = []
    for facet, values in filters.items():
        for v in values:
            out.append(f'{facet}:"{v}"' if any(c in v for c in ' "()') else f"{facet}:{v}")
    return " ".join(out)


def _saved(args, index_dir: Path) -> int:
    from . import saved

    s = _strings(args)
    if args.saved_command == "add":
        newest = None
        try:
            with _service(index_dir) as svc:
                newest = svc.newest_indexed()
        except ArkistoError:
            pass  # no index yet (or one to rebuild): everything it gets later is new
        item = saved.add(args.name, " ".join(args.query), _filters(args), newest, replace=args.replace)
        print(s("saved_added", name=escape_controls(item.name)))
        return EXIT_OK
    if args.saved_command == "remove":
        item = saved.remove(args.name)
        print(s("saved_removed", name=escape_controls(item.name)))
        return EXIT_OK
    searches = saved.load()
    counts: dict[str, tuple[int | None, int | None]] = {}
    problem = None
    if searches:
        try:
            with _service(index_dir) as svc:
                for item in searches:
                    counts[item.name] = (svc.count_new(item.query, item.filters, item.reported),
                                         svc.count_new(item.query, item.filters, item.opened))
        except ArkistoError as exc:
            problem = exc.render(s)[0]  # the list still shows; the counts are unknown
    if args.json:
        out = []
        for item in searches:
            new, new_opened = counts.get(item.name, (None, None))
            out.append({**item.to_json(), "new": new, "new_since_opened": new_opened})
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif not searches:
        print(s("saved_none"))
    else:
        for item in searches:
            new = counts.get(item.name, (None, None))[0]
            what = " ".join(x for x in (item.query, _filters_text(item.filters)) if x) or s("saved_everything")
            count = s("saved_new_count", n=new) if new is not None else "?"
            print(f"{escape_controls(item.name)}\t{escape_controls(what)}\t{count}")
    if problem:
        print(f"arkisto: {problem}", file=sys.stderr)
    return EXIT_OK


def _new(args, index_dir: Path) -> int:
    """``arkisto new``: print, then move the marks (a run killed between
    the two prints the same again: nothing is lost)."""
    from . import saved
    from .cite import citation
    from .export import redacted

    s = _strings(args)
    searches = saved.load()
    if args.name is not None:
        searches = [saved.find(searches, args.name)]
    found = []
    if searches:
        with _service(index_dir) as svc:
            for item in searches:
                found.append((item, svc.new_since(item.query, item.filters, item.reported)))
    total = sum(len(recs) for _item, recs in found)
    if args.json:
        out = {"searches": [{"name": item.name, "query": item.query, "filters": item.filters,
                             "since": saved._iso(item.reported),
                             "new": [json.loads(redacted(r, *args.redaction).model_dump_json(exclude_none=True))
                                     for r in recs]} for item, recs in found],
               "total": total}
        json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif not searches:
        if not args.quiet:
            print(s("saved_none"))
    elif not total:
        if not args.quiet:
            print(s("new_nothing"))
    else:
        for item, recs in found:
            if not recs:
                continue
            print(s("new_heading", name=escape_controls(item.name), n=len(recs)))
            for rec in recs:
                rec = redacted(rec, *args.redaction)
                title = one_line(safe_display(rec.title or ""))
                cited = one_line(safe_display(citation(rec)))
                print(f"  {cited}")
                if title and title != cited:
                    print(f"    {title}")
                print(f"    id {escape_controls(rec.id)}")
            print()
    sys.stdout.flush()
    if not args.keep_mark:
        newest = {item.name: max((r.first_indexed for r in recs if r.first_indexed is not None), default=None)
                  for item, recs in found}
        saved.advance("reported", newest)
    return EXIT_OK


# --- TUI -----------------------------------------------------------------------------------


def _paths(index_dir: Path, s) -> int:
    from .locations import config_file, data_home, sample_data_dir

    from .saved import default_path

    rows = [("paths_config", config_file()), ("paths_data", data_home()), ("paths_index", index_dir),
            ("paths_saved", default_path()),
            ("paths_sample", sample_data_dir() or s("paths_not_installed"))]
    width = max(len(s(key)) for key, _ in rows) + 2
    for key, value in rows:
        print(f"{s(key) + ':':<{width}} {value}")
    return EXIT_OK


def _tui(index_dir: Path, lang: str | None, s) -> int:
    if not sys.stdout.isatty() or not sys.stdin.isatty():
        print(f"arkisto: {s('cli_needs_terminal')}", file=sys.stderr)
        return EXIT_USAGE
    from .tui.app import run

    return run(index_dir, lang=lang)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
