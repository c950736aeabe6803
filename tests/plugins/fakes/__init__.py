"""Fake host modules (``nuke``, ``hou``, ``hdefereval``, ``maya.cmds``, ``maya.utils``).

Each fake emulates exactly the API subset the plugins use, with the hosts'
documented behaviour where it matters for correctness: threading rules
(``nuke.executeInMainThread`` must not be called from the main thread; deferred
calls run only when the main loop is pumped), bottom-row-first COP pixels, a
Maya dependency graph of nodes, attributes and connections. Every fake host
function records the thread that called it, so tests can prove a worker thread
never touched a host.

This package is the test-side half: the recorder and the main-loop queue.
"""

from __future__ import annotations

import functools
import queue
import threading
import time
from typing import Any, Callable, List, Tuple, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

# (host function name, thread name, is main thread) for every host call.
CALLS: List[Tuple[str, str, bool]] = []
# Calls queued for the host's main loop (executeInMainThread, executeDeferred).
MAIN_QUEUE: queue.Queue[Tuple[Callable[..., Any], tuple, dict]] = queue.Queue()
# Host calls that are allowed from a worker thread (their whole point).
THREAD_SAFE = {"nuke.executeInMainThread", "hdefereval.executeDeferred", "maya.utils.executeDeferred"}


def host_call(name: str) -> Callable[[F], F]:
    """Decorate a fake host function so every call records its thread."""

    def wrap(fn: F) -> F:
        @functools.wraps(fn)
        def recorded(*args: Any, **kwargs: Any) -> Any:
            thread = threading.current_thread()
            CALLS.append((name, thread.name, thread is threading.main_thread()))
            return fn(*args, **kwargs)

        return recorded  # type: ignore[return-value]

    return wrap


def reset() -> None:
    """Forget recorded calls and drop queued main-thread work."""
    CALLS.clear()
    while not MAIN_QUEUE.empty():
        MAIN_QUEUE.get_nowait()


def queue_main(call: Callable[..., Any], args: tuple = (), kwargs: Any = None) -> None:
    MAIN_QUEUE.put((call, args, dict(kwargs or {})))


def pump(limit: int = 10_000) -> int:
    """Run queued main-thread calls on this (the main) thread; returns how many ran."""
    assert threading.current_thread() is threading.main_thread(), "pump() is the host's main loop"
    ran = 0
    while ran < limit:
        try:
            call, args, kwargs = MAIN_QUEUE.get_nowait()
        except queue.Empty:
            break
        call(*args, **kwargs)
        ran += 1
    return ran


def pump_until(done: Callable[[], bool], timeout: float = 60.0) -> None:
    """Pump the main loop until ``done()`` (checked after each pump); fails after ``timeout`` s."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        pump()
        if done():
            pump()
            return
        time.sleep(0.01)
    raise AssertionError(f"main loop did not reach the expected state within {timeout} s")


def worker_host_calls() -> List[Tuple[str, str]]:
    """Host calls made off the main thread other than the documented thread-safe ones."""
    return [(name, thread) for name, thread, main in CALLS if not main and name not in THREAD_SAFE]
