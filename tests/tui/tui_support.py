"""Helpers for the TUI tests (imported by name: this folder is on sys.path)."""

from __future__ import annotations


async def settle(pilot, rounds: int = 4) -> None:
    """Wait for workers (and the work they start) to finish, and for the
    screen to process what they posted."""
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not any(w.is_running for w in app.workers):
            await pilot.pause()
            if not any(w.is_running for w in app.workers):
                return


def sync(fn):
    """Run an async test with asyncio.run (no pytest-asyncio plugin needed).
    ``functools.wraps`` keeps the signature, so fixtures still arrive."""
    import asyncio
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper
