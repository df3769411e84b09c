"""Where page work runs: a local process pool by default, a Dask cluster when asked.

Concurrency lives here and nowhere else. `run_unordered` keeps a bounded number of tasks in
flight (so memory stays flat however many pages are queued and every core stays busy across
file boundaries) and yields results as they finish. The page function must never raise;
if a worker process dies, its in-flight tasks are retried once on a fresh pool and then
reported through `on_lost`.

Kept over a bare `ProcessPoolExecutor.map` on purpose (issue 19): `map` submits every task
up front and yields in order, so queued pages pile up in memory and one slow page holds
back the rest; the bounded, unordered window here keeps a worker's memory flat (168 MiB
from page 5 to page 30, BENCHMARKS.md at 5698d14 in git). The pool itself is the library's.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import select
import signal
import threading
from collections.abc import Callable, Hashable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def _die_with_main(main_pid: int) -> None:
    """Linux: this worker exits as soon as the `hoso` process that owns the pool dies (kill -9,
    the OOM killer), instead of lingering as an orphan. Workers are forked by
    multiprocessing's fork server, not by `hoso` itself, and they keep that server alive, so
    the parent-death signal cannot tell: a thread waits on a pidfd of `hoso` instead."""
    try:
        fd = os.pidfd_open(main_pid)
    except ProcessLookupError:  # it died before we looked
        os._exit(1)
    except (AttributeError, OSError):  # not Linux ≥ 5.3: the pool's own checks remain
        return

    def watch() -> None:
        select.select([fd], [], [])
        os._exit(1)

    threading.Thread(target=watch, name="hoso-die-with-main", daemon=True).start()


def _worker_init(main_pid: int | None = None) -> None:
    if main_pid is not None:
        _die_with_main(main_pid)
        # Ctrl-C reaches the whole process group and systemd's SIGTERM the whole cgroup: the
        # main process alone decides, and stops the workers itself (`abort`).
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # One Tesseract/OpenMP thread per process: parallelism comes from processes.
    os.environ["OMP_THREAD_LIMIT"] = "1"
    from ingest.engine import arm_watchdog

    arm_watchdog()  # a Tesseract call that hangs past its timeout ends this worker
    try:
        import cv2

        cv2.setNumThreads(1)
    except ImportError:  # pragma: no cover - cv2 is a hard dependency
        pass


def _warm() -> None:
    """Start a worker before its first page (the fork server imports the page step once,
    see PRELOAD), overlapping discovery."""
    import ingest.worker_boot  # noqa: F401


# Modules the fork server imports before it forks any worker.
PRELOAD = ["ingest.worker_boot"]


def _forkserver() -> Any:
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)
    return ctx


def start_server() -> None:
    """Start the local pool's fork server now, so that it imports the page step (~0.7 s of
    CPU: OpenCV, Tesseract and its model, the word list) while the caller imports its own
    modules, opens the catalog and plans. `hoso ingest` calls it first thing (this module
    imports only the standard library, so calling it costs ~10 ms); the pool uses the same
    server. Measured in the commit that added it."""
    from multiprocessing import forkserver

    _forkserver()
    forkserver.ensure_running()


def stop_server() -> None:
    """Stop the fork server now, even while it is still importing the page step: a run with
    no page to read is over before that (~0.5 s), and the server, which holds the command's
    output open, would outlive it until then. Called when `hoso ingest` is over (its pool is
    closed, its workers gone); a later pool in the same process starts a new server."""
    from multiprocessing import forkserver

    server = forkserver._forkserver  # the context's one server (`ensure_running`'s)
    pid = getattr(server, "_forkserver_pid", None)
    if pid is None:
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(Exception):
        server._stop()  # type: ignore[attr-defined]  # reaps it and forgets it


class PageExecutor(Protocol):
    workers: int

    def run_unordered(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_lost: Callable[[T, str], R],
    ) -> Iterator[R]: ...

    def warm(self) -> None: ...

    def starting(self) -> bool:
        """The workers are still being started (`warm`): time the caller may spend on its
        own loading without keeping a page waiting."""
        ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


class LocalExecutor:
    """A process pool on this machine."""

    def __init__(self, workers: int | None = None, in_flight_per_worker: int = 2) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)
        self.window = self.workers * in_flight_per_worker
        self._pool: ProcessPoolExecutor | None = None
        self._warming: threading.Thread | None = None

    def _new_pool(self) -> ProcessPoolExecutor:
        # forkserver: workers never inherit the parent's SQLite connection or threads (they
        # are forked from a fresh server process), and the page step's imports (OpenCV,
        # NumPy, Tesseract, the word list) happen once in that server, not once per worker:
        # with spawn, each worker paid ~0.6 s of CPU on every run.
        return ProcessPoolExecutor(
            self.workers,
            mp_context=_forkserver(),
            initializer=_worker_init,
            initargs=(os.getpid(),),
        )

    def warm(self) -> None:
        """Start the workers now and let them import the page step while the caller plans.
        Returns at once: starting a worker waits for the fork server to import the page step
        (~0.6 s), which a thread waits for instead of the caller (its planning, the catalog
        and index opening go on meanwhile); the pool's other calls wait for that thread."""
        if self._pool is None:
            pool = self._pool = self._new_pool()

            def start() -> None:
                with contextlib.suppress(Exception):  # a pool that fails shows it on use
                    for _ in range(self.workers):
                        pool.submit(_warm)

            self._warming = threading.Thread(target=start, name="hoso-pool-start", daemon=True)
            self._warming.start()

    def starting(self) -> bool:
        return self._warming is not None and self._warming.is_alive()

    def _started(self) -> None:
        if self._warming is not None:
            self._warming.join()
            self._warming = None

    def run_unordered(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_lost: Callable[[T, str], R],
    ) -> Iterator[R]:
        self._started()
        if self._pool is None:
            self._pool = self._new_pool()
        it = iter(tasks)
        in_flight: dict[Future[R], T] = {}
        retried: set[int] = set()
        retry: list[T] = []
        exhausted = False
        while True:
            while len(in_flight) < self.window and (retry or not exhausted):
                if retry:
                    task = retry.pop()
                else:
                    try:
                        task = next(it)
                    except StopIteration:
                        exhausted = True
                        break
                try:
                    in_flight[self._pool.submit(fn, task)] = task
                except BrokenProcessPool:
                    retry.append(task)
                    self._restart()
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                task = in_flight.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    if id(task) in retried:
                        yield on_lost(task, "the worker process died twice on this page")
                    else:
                        retried.add(id(task))
                        retry.append(task)
            if broken:
                # Every other task of the dead pool is lost with it: run them again.
                for fut, task in list(in_flight.items()):
                    in_flight.pop(fut)
                    retry.append(task)
                self._restart()

    def _restart(self) -> None:
        self._started()
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._new_pool()

    def close(self) -> None:
        self._started()
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def abort(self) -> None:
        """Stop now (Ctrl-C, SIGTERM, a full disk): the workers are killed, pages in flight
        are dropped (the next run does them)."""
        self._started()
        if self._pool is None:
            return
        # Python 3.11's pool has no terminate_workers() (3.14): kill its processes directly.
        for proc in list((getattr(self._pool, "_processes", None) or {}).values()):
            with contextlib.suppress(OSError):
                proc.kill()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._pool = None


class DaskExecutor:
    """Pages run on a Dask distributed cluster (`--dask tcp://scheduler:8786`).

    Dask handles placement, retries of lost workers and scaling; we only bound what is in
    flight so that the queue of a 100,000-page batch never sits in memory at once.
    """

    def __init__(self, address: str | Any, in_flight_per_worker: int = 2) -> None:
        from dask.distributed import Client

        if isinstance(address, Client):
            self.client = address
        else:
            try:
                self.client = Client(address)
            except (OSError, TimeoutError, ValueError) as exc:
                from schemas.errors import BackendUnavailable

                raise BackendUnavailable(
                    f"cannot reach the Dask scheduler at {address} ({exc}); start it, or leave "
                    "out --dask to OCR on this machine"
                ) from None
        self._owns_client = not isinstance(address, Client)
        n = sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())
        self.workers = max(1, n)
        self.window = self.workers * in_flight_per_worker
        self.client.run(_worker_init)

    def run_unordered(
        self,
        fn: Callable[[T], R],
        tasks: Iterable[T],
        on_lost: Callable[[T, str], R],
    ) -> Iterator[R]:
        from dask.distributed import as_completed

        it = iter(tasks)
        ac = as_completed()
        owner: dict[Hashable, T] = {}  # by the future's key

        def submit_next() -> bool:
            try:
                task = next(it)
            except StopIteration:
                return False
            fut = self.client.submit(fn, task, pure=False, retries=1)
            owner[fut.key] = task
            ac.add(fut)
            return True

        for _ in range(self.window):
            if not submit_next():
                break
        for fut in ac:
            task = owner.pop(fut.key)
            try:
                yield fut.result()
            except Exception as exc:  # a worker lost twice, or a cancelled future
                yield on_lost(task, f"Dask could not run this page ({type(exc).__name__}: {exc})")
            finally:
                fut.release()
            submit_next()

    def warm(self) -> None:
        """Dask workers are started by their cluster."""

    def starting(self) -> bool:
        return False

    def close(self) -> None:
        if self._owns_client:
            self.client.close()

    def abort(self) -> None:
        """Stop now: futures are cancelled with the client (a shared client is kept)."""
        self.close()


def make_executor(workers: int | None = None, dask: str | None = None) -> PageExecutor:
    if dask:
        return DaskExecutor(dask)
    return LocalExecutor(workers)
