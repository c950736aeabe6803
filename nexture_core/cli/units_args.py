"""The physical-unit options shared by ``synth`` and ``evaluate`` (see :mod:`nexture_core.units`)."""

from __future__ import annotations

import argparse


def add_unit_options(p: argparse.ArgumentParser) -> None:
    """--texel-mm / --map-width-mm (one of them), --height-mm and --scale."""
    size = p.add_mutually_exclusive_group()
    size.add_argument("--texel-mm", type=float, metavar="MM", help="size of one texel of the input map in millimetres")
    size.add_argument(
        "--map-width-mm",
        type=float,
        metavar="MM",
        help="the width the input map covers in millimetres (instead of --texel-mm)",
    )
    p.add_argument(
        "--height-mm",
        type=float,
        metavar="MM",
        help="millimetres of relief one map unit means (default 10: one unit is 1 cm)",
    )
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="detail size relative to real (1 = real size; without a texel size, one pattern pixel per output pixel)",
    )
