"""Fake ``hdefereval``: deferred calls run when the test pumps the main loop."""

from __future__ import annotations

from typing import Any, Callable

from fakes import host_call, queue_main


@host_call("hdefereval.executeDeferred")
def executeDeferred(callable_object: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
    queue_main(callable_object, args, kwargs)
