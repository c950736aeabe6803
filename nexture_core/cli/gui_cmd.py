"""``nexture gui [INPUT]``: open the standalone panel window."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import InputError


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "gui",
        help="open the Nexture panel in its own window",
        description="Open the Nexture panel (needs PySide6: pip install nexture[ui]).",
    )
    parser.add_argument("input", nargs="?", metavar="INPUT", help="displacement map to open (TIFF, EXR, PNG)")
    parser.set_defaults(func=handler)


def handler(args: argparse.Namespace) -> int:
    if args.input and not Path(args.input).is_file():
        raise InputError(f"{args.input}: no such file; give an existing displacement map or no INPUT.")
    from ..ui.qt import import_binding

    import_binding()  # raises QtMissingError (a NextureError) naming the install command
    from ..ui.app import run_app

    return run_app(args.input)
