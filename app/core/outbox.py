"""Wake the webhook dispatcher the moment a transaction that wrote outbox events commits.

The dispatcher polls as well, so a lost wake-up only delays delivery; it never loses it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session
from sqlmodel.ext.asyncio.session import AsyncSession

from app.models import Event

_WROTE_EVENTS = "guestid.outbox.wrote_events"


def note_events(session: AsyncSession) -> None:
    """Mark the transaction as one that wrote outbox rows without the ORM (bulk inserts)."""
    session.sync_session.info[_WROTE_EVENTS] = True


@contextmanager
def wake_on_commit(wake: Callable[[], None]) -> Iterator[None]:
    """While open, call `wake` after every commit (in this process) that wrote outbox events:
    rows added through the session, or marked by `note_events`."""

    def before_flush(session: Session, *_: object) -> None:
        if any(isinstance(row, Event) for row in session.new):
            session.info[_WROTE_EVENTS] = True

    def after_commit(session: Session) -> None:
        if session.info.pop(_WROTE_EVENTS, False):
            wake()

    def after_rollback(session: Session) -> None:
        session.info.pop(_WROTE_EVENTS, None)

    hooks = (
        ("before_flush", before_flush),
        ("after_commit", after_commit),
        ("after_rollback", after_rollback),
    )
    for name, hook in hooks:
        event.listen(Session, name, hook)
    try:
        yield
    finally:
        for name, hook in hooks:
            event.remove(Session, name, hook)


class Waker:
    """Runs async wake-ups from the synchronous commit hook without blocking the commit."""

    def __init__(self, *wakes: Callable[[], object]) -> None:
        self._wakes = wakes
        self._pending: set[asyncio.Task[object]] = set()

    def __call__(self) -> None:
        for wake in self._wakes:
            result = wake()
            if asyncio.iscoroutine(result):
                task = asyncio.get_running_loop().create_task(result)
                self._pending.add(task)  # keep a reference until it ran
                task.add_done_callback(self._pending.discard)
