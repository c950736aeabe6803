"""Entry point of ``nexture``: parses the sub-command and turns errors into one line.

Each sub-command lives in its own module with ``register(subparsers)`` that adds
its parser and sets ``func(args) -> int``. Errors meant for people
(:class:`~nexture_core.errors.NextureError`) print as ``nexture: error: ...`` and exit 2.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import List, Optional

from ..errors import Cancelled, NextureError

# Module names under nexture_core.cli, in the order they appear in --help.
COMMANDS = ("info", "patterns", "synth", "evaluate", "gui", "install", "batch")


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


class _OneLine(logging.Handler):
    """``nexture: note: ...`` for what was assumed, ``nexture: warning: ...`` for what to fix,
    on whatever ``sys.stderr`` is when the line is logged."""

    def emit(self, record: logging.LogRecord) -> None:
        kind = "note" if record.levelno < logging.WARNING else "warning"
        print(f"nexture: {kind}: {record.getMessage()}", file=sys.stderr)


def _show_library_messages() -> None:
    """The library logs on ``nexture``; the command line prints those lines on stderr."""
    logger = logging.getLogger("nexture")
    if not any(isinstance(h, _OneLine) for h in logger.handlers):
        logger.addHandler(_OneLine())
    logger.setLevel(logging.INFO)


def main(argv: Optional[List[str]] = None) -> int:
    _show_library_messages()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except Cancelled as exc:
        print(f"nexture: {exc}", file=sys.stderr)
        return 130
    except KeyboardInterrupt:
        print("nexture: interrupted; no output was written.", file=sys.stderr)
        return 130
    except NextureError as exc:
        print(f"nexture: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
