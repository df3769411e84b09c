"""Group commit for the audit log: every entry committed before its request is answered.

Each search and page view is audited (a row in the catalog's `web_audit`). One SQLite
transaction per request, from up to 40 request threads in each worker process, makes the
threads queue on SQLite's write lock, whose busy handler sleeps 1, 2, 5 … 100 ms between
retries: a few hundred audited searches a second then spend most of their time asleep.

`GroupCommit.submit(entry)` instead appends the entry to a shared list and waits. The
first waiting thread that finds no write in progress becomes the writer: it takes every
pending entry, writes them in one transaction (`write_batch`, on one connection reused for
the life of the process) and wakes the others. A caller returns only once the transaction
holding its entry has committed, and gets the writer's exception if that transaction
failed, so no request is answered with its audit entry lost. With no concurrency this is
one transaction per entry, as before; under load it is one per batch.

`await GroupCommit.submit_async(entry)` is the same from an event loop, without a thread
per waiting request: the entry joins the same batches, a writer thread of the GroupCommit
(started on first use) writes whatever is pending when no other write is in progress, and
the waiting coroutines of a batch are woken with one call into their loop.

Hand-written on purpose (issue 19): no kept library batches SQLite commits across threads
and coroutines, and the measurement justified it: one transaction per request was 38% of
the sampled thread time of `hoso serve` under the officer load (py-spy; BENCHMARKS.md at
55466ec in git).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Ticket(Generic[T]):
    __slots__ = ("done", "error", "future", "item")

    def __init__(self, item: T, future: asyncio.Future[None] | None = None) -> None:
        self.item = item
        self.done = False
        self.error: BaseException | None = None
        self.future = future  # submit_async: settled in its loop once done


def _settle(futures: list[asyncio.Future[None]], error: BaseException | None) -> None:
    for f in futures:
        if not f.done():  # a cancelled waiter
            if error is None:
                f.set_result(None)
            else:
                f.set_exception(error)


class GroupCommit(Generic[T]):
    """Batches `submit`ted items into `write_batch` calls; `submit` returns when committed."""

    def __init__(self, write_batch: Callable[[list[T]], None], max_batch: int = 500) -> None:
        self._write_batch = write_batch
        self._max_batch = max_batch
        self._cond = threading.Condition(threading.Lock())
        self._pending: list[_Ticket[T]] = []
        self._writing = False
        self._writer: threading.Thread | None = None  # for submit_async, started on first use
        self.batches = 0  # transactions written (for tests and figures)
        self.items = 0

    def submit(self, item: T) -> None:
        ticket = _Ticket(item)
        with self._cond:
            self._pending.append(ticket)
        while True:
            with self._cond:
                while self._writing and not ticket.done:
                    self._cond.wait()
                if ticket.done:  # a transaction (this thread's or another's) carried it
                    if ticket.error is not None:
                        raise ticket.error
                    return
                # No write in progress: this thread writes everything pending, oldest first.
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                self._writing = True
            self._write(batch)

    def _write(self, batch: list[_Ticket[T]]) -> None:
        """Write one batch taken from `_pending` (with `_writing` set), then hand its outcome
        to every submitter of the batch."""
        error: BaseException | None = None
        try:
            self._write_batch([t.item for t in batch])
        except BaseException as exc:  # handed to every caller of the batch
            error = exc
        with self._cond:
            for t in batch:
                t.done = True
                t.error = error
            self._writing = False
            if error is None:
                self.batches += 1
                self.items += len(batch)
            self._cond.notify_all()
        by_loop: dict[asyncio.AbstractEventLoop, list[asyncio.Future[None]]] = {}
        for t in batch:
            if t.future is not None:
                by_loop.setdefault(t.future.get_loop(), []).append(t.future)
        for loop, futures in by_loop.items():
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody waits any more
                loop.call_soon_threadsafe(_settle, futures, error)

    async def submit_async(self, item: T) -> None:
        """`submit` for a coroutine: returns once the transaction holding `item` committed,
        raises its error if it failed; no thread waits for it meanwhile."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        with self._cond:
            self._pending.append(_Ticket(item, future))
            if self._writer is None:
                self._writer = threading.Thread(
                    target=self._writer_loop, name="audit-group-commit", daemon=True
                )
                self._writer.start()
            self._cond.notify_all()
        await future

    def _writer_loop(self) -> None:
        while True:
            with self._cond:
                while self._writing or not self._pending:
                    self._cond.wait()
                batch = self._pending[: self._max_batch]
                del self._pending[: self._max_batch]
                self._writing = True
            self._write(batch)
