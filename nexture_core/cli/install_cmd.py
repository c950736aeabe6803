"""``nexture install nuke|houdini|maya [--dest DIR] [--dry-run]``: register a host plugin."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    from ..hosts.install import HOSTS

    parser = subparsers.add_parser(
        "install",
        help="point Nuke, Houdini or Maya at this checkout's plugin",
        description="Write the host's entry file (Nuke init.py line, Houdini package JSON, Maya .mod) "
        "pointing at this checkout. Running it twice changes nothing; a changed user file is backed up first.",
    )
    parser.add_argument("host", choices=HOSTS, help="which host to set up")
    parser.add_argument("--dest", type=Path, default=None, help="folder for the entry file (default: the host's per-user folder)")
    parser.add_argument("--dry-run", action="store_true", help="say what would be written, write nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..hosts.install import install

    result = install(args.host, args.dest, dry_run=args.dry_run)
    print(result.describe())
    return 0
