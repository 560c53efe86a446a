"""The terminal UI: a Textual app on top of the headless search core.

    app.py        ArkistoApp, make_app() and run() (called by the CLI)
    backend.py    the thread that owns the SearchService (no Textual)
    present.py    hits, facets and records as rich Text (no Textual)
    commands.py   the command palette's commands
    screens/      the search screen and the help screen
    widgets/      query bar, facet panel, result list, detail pane, status bar

Nothing here is imported by the CLI's JSON paths.
"""
