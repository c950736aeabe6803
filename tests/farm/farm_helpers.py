"""Shared test helpers: tile sets on disk and task runners that count, fail or fake the synthesis.

The runners are module-level classes (picklable), so the Ray tests ship them to workers.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import numpy as np

from nexture_core.batch.tasks import run_task

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"


def smooth_field(height: int, width: int, seed: int = 0) -> np.ndarray:
    """A continuous sculpt-like map (broad forms plus mid detail), H x W float32."""
    from scipy.ndimage import gaussian_filter

    y, x = np.mgrid[0:height, 0:width].astype(np.float64)
    rng = np.random.default_rng(seed)
    forms = 0.5 + 0.25 * np.sin(x / 23.0) * np.cos(y / 31.0) + 0.1 * np.sin((x + 2 * y) / 11.0)
    mid = gaussian_filter(rng.standard_normal((height, width)), 3.0, mode="wrap") * 0.05
    return (forms + mid).astype(np.float32)


def write_tile_set(
    folder: Path, size: int = 64, layout=((0, 0), (1, 0)), unrelated=(), name="face", ext="exr", seed=0
) -> dict:
    """Tiles cut from one continuous field (so neighbours join), written as ``name.<UDIM>.ext``.

    ``layout``: (u, v) tiles; ``unrelated``: (u, v) tiles filled with an unrelated map
    (an edge against them does not join). Returns {udim: path}.
    """
    from nexture_core.io import write_image

    folder.mkdir(parents=True, exist_ok=True)
    cells = list(layout) + list(unrelated)
    us = max(u for u, _ in cells) + 1
    vs = max(v for _, v in cells) + 1
    field = smooth_field(vs * size, us * size, seed)
    paths = {}
    for u, v in cells:
        row0 = (vs - 1 - v) * size  # v grows upwards; image rows grow downwards
        tile = field[row0 : row0 + size, u * size : (u + 1) * size]
        if (u, v) in unrelated:
            tile = 1.0 - smooth_field(size, size, seed + 17 + u)[::-1] * 0.5
        number = 1001 + u + 10 * v
        path = folder / f"{name}.{number}.{ext}"
        write_image(path, np.ascontiguousarray(tile), dtype="float" if ext == "exr" else "uint16")
        paths[number] = path
    return paths


def fake_synthesize_file(request, progress=None, cancel=None):
    """Stand-in for api.synthesize_file: input plus seeded, blurred noise, written like the core."""
    from scipy.ndimage import gaussian_filter

    from nexture_core.api import output_paths
    from nexture_core.io import read_map, write_image

    image, info = read_map(request.input, channel=request.channel, part=request.part, nan=request.nan)
    rng = np.random.default_rng(request.settings.seed)
    detail = gaussian_filter(rng.standard_normal(image.shape), 2.0) * 0.1 * request.settings.strength
    keys = ["mix"] if request.masks else list(request.patterns)
    maps = list(request.settings.maps)
    paths = output_paths(request, keys, maps, Path(request.input).suffix)
    written = []
    for path in paths.values():
        out = (image + detail).astype(np.float32)
        written.append(write_image(path, out, like=info, dtype=request.output_dtype, protect=[Path(request.input)]))
    return written


class CountingRunner:
    """Runs tasks (fake or real synthesis) and drops one file per call into ``calls``.

    ``fail_once``: task ids that fail on their first attempt (a marker file remembers it);
    ``always_fail``: task ids that always fail.
    """

    def __init__(self, calls: Path, fake: bool = True, fail_once=(), always_fail=()) -> None:
        self.calls = Path(calls)
        self.fake = fake
        self.fail_once = tuple(fail_once)
        self.always_fail = tuple(always_fail)

    def __call__(self, task, progress=None, cancel=None):
        self.calls.mkdir(parents=True, exist_ok=True)
        safe = task.id.replace("/", "_")
        (self.calls / f"{safe}.{uuid.uuid4().hex}").write_text(task.id)
        if task.id in self.always_fail:
            raise RuntimeError(f"simulated node failure on {task.id}")
        marker = self.calls / f"failed-once-{safe}"
        if task.id in self.fail_once and not marker.exists():
            marker.write_text("x")
            raise RuntimeError(f"simulated transient failure on {task.id}")
        return run_task(task, progress, cancel, synthesize_file=fake_synthesize_file if self.fake else None)


def calls_of(calls: Path) -> dict:
    """{task id: number of calls} from a CountingRunner's folder."""
    out: dict = {}
    if not calls.is_dir():
        return out
    for f in calls.iterdir():
        if f.name.startswith("failed-once-"):
            continue
        tid = f.read_text()
        out[tid] = out.get(tid, 0) + 1
    return out


def real_engine_available() -> bool:
    """True when the engine and the built-in bank load; False only when torch is not installed.

    Any other failure (a broken import, a broken bank) is raised, so a broken engine
    fails the farm tests instead of quietly switching them to the stand-in.
    """
    try:
        import torch  # noqa: F401
    except ModuleNotFoundError as exc:
        if exc.name == "torch":
            return False
        raise
    from nexture_core.api import synthesize_file  # noqa: F401
    from nexture_core.patterns import load_bank

    load_bank().get("cheek")
    return True


def cli_parser():
    """The real ``nexture`` parser; while sibling commands are still missing, one with batch and synth."""
    import argparse

    try:
        from nexture_core.cli.main import build_parser

        return build_parser()
    except ImportError:
        from nexture_core.cli import batch_cmd, synth_cmd

        parser = argparse.ArgumentParser(prog="nexture")
        sub = parser.add_subparsers(dest="command")
        batch_cmd.register(sub)
        synth_cmd.register(sub)
        return parser


def cli_main(argv):
    """``nexture_core.cli.main.main`` (same error handling) over :func:`cli_parser`."""
    import sys

    from nexture_core.errors import NextureError

    args = cli_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except NextureError as exc:
        print(f"nexture: error: {exc}", file=sys.stderr)
        return 2
