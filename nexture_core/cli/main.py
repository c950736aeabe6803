"""Entry point of ``nexture``: parses the sub-command and turns errors into one line.

Each sub-command lives in its own module with ``register(subparsers)`` that adds
its parser and sets ``func(args) -> int``. Errors meant for people
(:class:`~nexture_core.errors.NextureError`) print as ``nexture: error: ...`` and
exit 2; warnings (:class:`~nexture_core.preflight.NextureWarning`) print as
``nexture: warning: ...`` and the command goes on. Ctrl-C (SIGINT) and a
``kill`` (SIGTERM) both stop the work, remove half-written files and say so.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import signal
import sys
import threading
import warnings
from typing import Iterator, List, Optional

from ..errors import Cancelled, NextureError

# Module names under nexture_core.cli, in the order they appear in --help.
COMMANDS = ("info", "patterns", "synth", "evaluate", "gui", "install", "batch")
EXIT_SIGTERM = 143


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised in the main thread so that every ``finally`` and atomic write cleans up."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nexture",
        description="Synthesize skin micro-detail on displacement maps.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"{__package__}.{name}_cmd")
        module.register(sub)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    from ..preflight import NextureNote, NextureWarning

    if issubclass(category, NextureWarning):
        kind = "note" if issubclass(category, NextureNote) else "warning"
        print(f"nexture: {kind}: {message}", file=sys.stderr, flush=True)
    else:
        _default_show(message, category, filename, lineno, file, line)


_default_show = warnings.showwarning


@contextlib.contextmanager
def _cli_session() -> Iterator[None]:
    """Warnings as 'nexture: warning:' lines (each shown every time); SIGTERM as an interrupt."""
    from ..preflight import NextureWarning

    def on_sigterm(signum, frame):
        raise Terminated()

    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    with warnings.catch_warnings():
        warnings.simplefilter("always", NextureWarning)
        warnings.showwarning = _show_warning
        try:
            yield
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)


def main(argv: Optional[List[str]] = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        with _cli_session():
            return int(args.func(args) or 0)
    except Cancelled as exc:
        print(f"nexture: {exc}", file=sys.stderr)
        return 130
    except Terminated:
        print("nexture: terminated (SIGTERM); no output was written.", file=sys.stderr)
        return EXIT_SIGTERM
    except KeyboardInterrupt:
        print("nexture: interrupted; no output was written.", file=sys.stderr)
        return 130
    except NextureError as exc:
        print(f"nexture: error: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file problem no check foresaw: one line, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"nexture: error: {where}{exc.strerror or exc}.", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
