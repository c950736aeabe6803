"""Fake ``maya.utils``: deferred calls wait for the main loop (``fakes.pump()``)."""

from __future__ import annotations

import threading
from typing import Any, Callable, Union

from fakes import host_call, queue_main


@host_call("maya.utils.executeDeferred")
def executeDeferred(fn: Union[str, Callable[..., Any]], *args: Any, **kwargs: Any) -> None:
    if isinstance(fn, str):
        code = fn
        queue_main(lambda: exec(code, {}), (), {})
    else:
        queue_main(fn, args, kwargs)


@host_call("maya.utils.executeInMainThreadWithResult")
def executeInMainThreadWithResult(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    assert threading.current_thread() is threading.main_thread(), "fake: only main-thread use is emulated"
    return fn(*args, **kwargs)
