"""``nexture install nuke|houdini|maya [--dest DIR] [--version V] [--build-hda] [--dry-run]``: register a host plugin."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers) -> None:
    from ..hosts.install import HOSTS

    parser = subparsers.add_parser(
        "install",
        help="point Nuke, Houdini or Maya at this checkout's plugin",
        description="Write the host's entry file (Nuke init.py line, Houdini package JSON, Maya .mod) "
        "pointing at this checkout, in the host's per-user folder on Linux, Windows or macOS. Running it twice "
        "changes nothing; a changed user file is backed up first. Prints the pip command that installs torch "
        "and the other packages for that host version's own Python.",
    )
    parser.add_argument("host", choices=HOSTS, help="which host to set up")
    parser.add_argument(
        "--dest", type=Path, default=None, help="folder for the entry file (default: the host's per-user folder)"
    )
    parser.add_argument(
        "--version",
        default=None,
        help="host version (Houdini 20.5/21.0 picks the preferences folder; all hosts: the torch folder's name)",
    )
    parser.add_argument(
        "--build-hda",
        action="store_true",
        help="houdini: also build the Nexture HDAs into the user's otls folder with hython",
    )
    parser.add_argument("--dry-run", action="store_true", help="say what would be written, write nothing")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..hosts.install import build_houdini_assets, install

    result = install(args.host, args.dest, dry_run=args.dry_run, version=args.version)
    print(result.describe())
    if args.build_hda and args.host == "houdini" and not args.dry_run:
        print(build_houdini_assets(result.path.parent))
    return 0
