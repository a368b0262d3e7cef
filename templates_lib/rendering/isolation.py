"""Every layout and render runs in a render process, with hard limits, never in the web or worker
process that asked for it.

WeasyPrint's layout time grows with the markup it is given, deep nesting ends in a recursion error,
and Pango and PDFium crash a process used from two threads. So the web and task processes never
call the engine themselves: `run(name, ...)` sends the call to one of a small pool of long-lived
render processes (started with `spawn`, so they share nothing with the caller: no database
connection, no lock, no thread; see `process.serve`) and waits for the answer.

- Each render process runs one call at a time under an address-space limit
  (`LASTMILE_RENDER_MEMORY_MB`, set with `setrlimit`); each call has a wall-clock limit
  (`LASTMILE_RENDER_TIMEOUT_SECONDS`).
- A call that breaches either ends as a `RenderLimitError` whose text is shown to the user; its
  process is killed and a replacement starts at once, and the other processes carry on with other
  users' renders.
- The pool has `LASTMILE_RENDER_PROCESSES` processes per web or worker process; a call waits at
  most `LASTMILE_RENDER_QUEUE_SECONDS` for a free one (`RenderBusyError`).
- Calls are refused inside a database transaction (`RenderInTransactionError`): a layout can take
  seconds, and on SQLite an open write transaction blocks every other writer meanwhile.
"""

import contextlib
import logging
import multiprocessing
import os
import queue
import threading
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections

from . import engine
from .errors import RenderBusyError, RenderError, RenderInTransactionError, RenderLimitError
from .process import CALLS, serve

logger = logging.getLogger(__name__)

STARTUP_SECONDS = 60.0


@dataclass(frozen=True)
class Limits:
    timeout_seconds: float
    memory_bytes: int
    queue_seconds: float


def configured_limits() -> Limits:
    return Limits(
        timeout_seconds=float(settings.LASTMILE_RENDER_TIMEOUT_SECONDS),
        memory_bytes=int(settings.LASTMILE_RENDER_MEMORY_MB) * 1024 * 1024,
        queue_seconds=float(settings.LASTMILE_RENDER_QUEUE_SECONDS),
    )


class RenderProcess:
    """One render process and the pipe to it."""

    def __init__(self, memory_bytes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process = context.Process(target=serve, args=(child, memory_bytes), name="lastmile-render", daemon=True)
        self.process.start()
        child.close()
        self.is_ready = False

    @property
    def is_alive(self) -> bool:
        return self.process.is_alive()

    def _wait_ready(self) -> None:
        if self.is_ready:
            return
        if not self.connection.poll(STARTUP_SECONDS):
            self.kill()
            raise RenderLimitError("The renderer did not start in time. Please try again.")
        self.connection.recv()
        self.is_ready = True

    def call(self, name: str, args: tuple, kwargs: dict, *, timeout: float) -> Any:
        """Run engine function `name` there; raise what it raised, or RenderLimitError on a breach."""
        try:
            self._wait_ready()
            self.connection.send((name, args, kwargs))
            if not self.connection.poll(timeout):
                self.kill()
                raise RenderLimitError(
                    f"Laying this document out took longer than {timeout:g} seconds, so it was stopped. "
                    "Shorten or simplify the text and try again."
                )
            status, payload = self.connection.recv()
        except (EOFError, OSError) as exc:
            self.kill()
            raise RenderLimitError("The renderer stopped while laying this document out. Please try again.") from exc
        if status == "ok":
            return payload
        if status == "render_error":
            raise RenderError(payload)
        if status == "no_such_page":
            raise IndexError(payload)
        if status == "limit" and payload == "memory":
            self.kill()
            raise RenderLimitError("This document needs more memory to lay out than is allowed. Simplify it.")
        if status == "limit":
            raise RenderLimitError("This text is nested too deeply to lay out. Remove some formatting.")
        raise RenderLimitError(f"The renderer could not lay this document out ({payload}).")

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(timeout=5)
        self.connection.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            self.connection.send(None)
        self.process.join(timeout=2)
        if self.process.is_alive():
            self.kill()


class RenderPool:
    """A fixed number of render processes; a call takes a free one, or waits for one."""

    def __init__(self, size: int, limits: Limits) -> None:
        self.size = size
        self.limits = limits
        self.idle: queue.LifoQueue[RenderProcess] = queue.LifoQueue()
        for _ in range(size):
            self.idle.put(RenderProcess(limits.memory_bytes))

    def run(self, name: str, *args: Any, **kwargs: Any) -> Any:
        try:
            process = self.idle.get(timeout=self.limits.queue_seconds)
        except queue.Empty as exc:
            raise RenderBusyError("Every renderer is busy. Please try again in a moment.") from exc
        try:
            if not process.is_alive:
                process = RenderProcess(self.limits.memory_bytes)
            return process.call(name, args, kwargs, timeout=self.limits.timeout_seconds)
        finally:
            # A process that was killed is replaced now: its replacement starts while this
            # request answers, ready for the next call.
            self.idle.put(process if process.is_alive else RenderProcess(self.limits.memory_bytes))

    def stop(self) -> None:
        while True:
            try:
                self.idle.get_nowait().stop()
            except queue.Empty:
                return


_pool: RenderPool | None = None
_pool_pid: int | None = None
_pool_lock = threading.Lock()


def pool() -> RenderPool:
    """This process's render pool, started on first use (and again in a forked child)."""
    global _pool, _pool_pid
    with _pool_lock:
        if _pool is None or _pool_pid != os.getpid():
            _pool = RenderPool(int(settings.LASTMILE_RENDER_PROCESSES), configured_limits())
            _pool_pid = os.getpid()
        return _pool


def in_transaction() -> bool:
    """Whether a database transaction is open in this thread, other than the ones a test case
    wraps around each test (Django marks those)."""
    for connection in connections.all(initialized_only=True):
        if any(not getattr(block, "_from_testcase", False) for block in connection.atomic_blocks):
            return True
    return False


def run(name: str, *args: Any, **kwargs: Any) -> Any:
    """Call engine function `name` in a render process (in this process when
    LASTMILE_RENDER_ISOLATION is off, for benchmarks that compare the two). Raises RenderError (and
    RenderLimitError on a breach) for the user, RenderInTransactionError for a programming error."""
    if name not in CALLS:
        raise ValueError(f"Not a render call: {name}")
    if in_transaction():
        raise RenderInTransactionError(f"Render call {name} inside a database transaction")
    if not settings.LASTMILE_RENDER_ISOLATION:
        try:
            return getattr(engine, name)(*args, **kwargs)
        except RecursionError as exc:
            raise RenderLimitError("This text is nested too deeply to lay out. Remove some formatting.") from exc
    return pool().run(name, *args, **kwargs)
