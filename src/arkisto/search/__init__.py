"""Search: schema, Finnish analysis, the index store, the indexer and the
search service.  No Textual here: the TUI and the CLI are both clients."""
