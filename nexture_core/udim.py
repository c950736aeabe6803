"""UDIM sets: tile naming, discovery, per-tile seeds and detail continued across joined edges.

A character's displacement is a set of tiles in UV space. Tile ``(u, v)`` (0-based)
has the UDIM number ``1001 + u + 10 * v``; ``v`` grows *upwards*, so in image
arrays (row 0 at the top) tile ``v + 1`` sits above tile ``v``: the upper tile's
last row touches the lower tile's first row.

Recognised conventions (tokens in a path; a literal tile name is one tile):
- Mari / Nuke / Houdini: ``face.<UDIM>.exr`` -> ``face.1001.exr``; ``face.%(UDIM)d.exr``;
- ZBrush / Mudbox / Maya ``<UVTILE>``: ``face_<UVTILE>.exr`` -> ``face_u1_v1.exr`` (1-based).

Where a UV island crosses a tile border the detail must continue across it. Each
joined tile is synthesized with a margin of its neighbours' input as context, and
the two syntheses of the shared band are cross-faded (see :func:`blend_edges`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from scipy.ndimage import gaussian_filter

from .errors import InputError, OutputError, SettingsError

UVTILE_TOKEN = "<UVTILE>"
JOIN_MODES = ("auto", "on", "off")
FIRST_UDIM = 1001
# An edge joins when the step across it, and the change of slope across it, are
# at most this many times the typical step between neighbouring interior rows.
JOIN_STEP_FACTOR = 3.0
# Rows/columns each side of an edge used for the interior step statistics.
JOIN_STAT_DEPTH = 8

_TOKEN_RE = re.compile(r"<UDIM>|%\(UDIM\)d|<UVTILE>", re.IGNORECASE)
_LITERAL_UDIM_RE = re.compile(r"(?<=[._])(1\d{3})(?=\.[^./\\]+$)")
_LITERAL_UVTILE_RE = re.compile(r"(?<=[._])u(\d{1,2})_v(\d{1,3})(?=\.[^./\\]+$)")


@dataclass(frozen=True)
class Tile:
    """One tile of a set: UDIM ``number``, 0-based ``u`` (0-9) and ``v``, and its file."""

    number: int
    u: int
    v: int
    path: Path

    @staticmethod
    def from_number(number: int, path: Union[str, Path] = "") -> Tile:
        if not 1001 <= number <= 1999 or (number - FIRST_UDIM) % 10 > 9:
            raise InputError(f"{number} is not a UDIM tile number; UDIMs run from 1001 to 1999.")
        u, v = (number - FIRST_UDIM) % 10, (number - FIRST_UDIM) // 10
        return Tile(number, u, v, Path(path))

    @staticmethod
    def from_uv(u: int, v: int, path: Union[str, Path] = "") -> Tile:
        if not (0 <= u <= 9 and 0 <= v <= 99):
            raise InputError(f"Tile u{u + 1}_v{v + 1} is outside the UDIM range (u 1-10, v 1-100).")
        return Tile(FIRST_UDIM + u + 10 * v, u, v, Path(path))


# ----------------------------------------------------------------- conventions
def is_udim_path(path: Union[str, Path]) -> bool:
    """True when ``path`` names a set through a tile token (``<UDIM>``, ``%(UDIM)d``, ``<UVTILE>``)."""
    return bool(_TOKEN_RE.search(str(path)))


def tile_of_path(path: Union[str, Path]) -> Optional[Tile]:
    """The tile a literal file name denotes (``face.1001.exr``, ``face_u2_v1.exr``), else None."""
    name = Path(path).name
    m = _LITERAL_UVTILE_RE.search(name)
    if m:
        return Tile.from_uv(int(m.group(1)) - 1, int(m.group(2)) - 1, path)
    m = _LITERAL_UDIM_RE.search(name)
    if m:
        return Tile.from_number(int(m.group(1)), path)
    return None


def set_pattern_of(path: Union[str, Path]) -> str:
    """The set pattern a literal tile name belongs to: ``face.1001.exr`` -> ``face.<UDIM>.exr``."""
    p = Path(path)
    name = p.name
    if _LITERAL_UVTILE_RE.search(name):
        return str(p.with_name(_LITERAL_UVTILE_RE.sub(UVTILE_TOKEN, name)))
    if _LITERAL_UDIM_RE.search(name):
        return str(p.with_name(_LITERAL_UDIM_RE.sub("<UDIM>", name)))
    raise InputError(f"{path}: the name carries no UDIM (name.1001.exr) or UV tile (name_u1_v1.exr) number.")


def set_name(pattern: Union[str, Path]) -> str:
    """A set's base name for ``{name}`` in output templates: ``face.<UDIM>.exr`` -> ``face``."""
    stem = Path(str(pattern)).name
    stem = _TOKEN_RE.sub("", stem)
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    return stem.strip("._-") or "tiles"


def output_path_for(template: Union[str, Path], tile: Tile) -> str:
    """``template`` with its tile token replaced the way the token asks (``1001`` or ``u1_v1``).

    Raises OutputError when the template has no token: every tile would write one file.
    """
    text = str(template)
    if not _TOKEN_RE.search(text):
        raise OutputError(
            f"Output {text!r} has no <UDIM> or <UVTILE> token; every tile would write the same file (e.g. use 'out/face_{{pattern}}.<UDIM>.exr')."
        )

    def sub(m: re.Match) -> str:
        return f"u{tile.u + 1}_v{tile.v + 1}" if m.group(0).upper() == UVTILE_TOKEN else str(tile.number)

    return _TOKEN_RE.sub(sub, text)


def find_tiles(pattern_path: Union[str, Path]) -> List[Tile]:
    """The tiles of a set on disk, sorted by UDIM number.

    ``pattern_path`` holds a token (``face.<UDIM>.exr``, ``face_<UVTILE>.exr``,
    ``face.%(UDIM)d.exr``) or is one literal tile file. Raises InputError when the
    folder is missing or no tile matches.
    """
    text = str(pattern_path)
    if not is_udim_path(text):
        tile = tile_of_path(text)
        if tile is None:
            raise InputError(f"{text}: not a UDIM set; name it like 'face.<UDIM>.exr' or 'face_<UVTILE>.exr'.")
        if not tile.path.is_file():
            raise InputError(f"{text}: no such file.")
        return [tile]
    folder = Path(text).parent
    if _TOKEN_RE.search(str(folder)):
        raise InputError(f"{text}: the tile token must be in the file name, not in a folder.")
    if not folder.is_dir():
        raise InputError(f"{text}: the folder {folder} does not exist.")
    name_re = _name_regex(Path(text).name)
    tiles = []
    for entry in folder.iterdir():
        m = name_re.fullmatch(entry.name)
        if not m or not entry.is_file():
            continue
        found = m.groupdict()
        if found.get("udim"):
            tiles.append(Tile.from_number(int(m.group("udim")), entry))
        else:
            tiles.append(Tile.from_uv(int(m.group("u")) - 1, int(m.group("v")) - 1, entry))
    if not tiles:
        raise InputError(f"{text}: no tile matches this pattern in {folder}.")
    numbers = [t.number for t in tiles]
    if len(set(numbers)) != len(numbers):
        raise InputError(f"{text}: several files name the same tile; keep one file per tile.")
    return sorted(tiles, key=lambda t: t.number)


def _name_regex(name: str) -> re.Pattern[str]:
    parts = []
    last = 0
    for m in _TOKEN_RE.finditer(name):
        parts.append(re.escape(name[last : m.start()]))
        if m.group(0).upper() == UVTILE_TOKEN:
            parts.append(r"u(?P<u>\d{1,2})_v(?P<v>\d{1,3})")
        else:
            parts.append(r"(?P<udim>1\d{3})")
        last = m.end()
    parts.append(re.escape(name[last:]))
    if len(list(_TOKEN_RE.finditer(name))) != 1:
        raise InputError(f"{name}: use exactly one tile token in the file name.")
    return re.compile("".join(parts))


def resolve_for_tile(path: Optional[Union[str, Path]], tile: Tile) -> Optional[str]:
    """A companion file (mask, id map, base albedo) for one tile: tokens replaced, else as is."""
    if path is None:
        return None
    return output_path_for(path, tile) if is_udim_path(path) else str(path)


# ----------------------------------------------------------------------- seeds
def tile_seed(job_seed: int, udim: int) -> int:
    """A tile's seed: a stable 31-bit hash of the job seed and the UDIM number.

    The same tile gets the same seed whether it runs alone, in a batch, locally
    or on a cluster, and neighbouring tiles get unrelated noise.
    """
    digest = hashlib.blake2b(f"nexture-tile:{int(job_seed)}:{int(udim)}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") & 0x7FFFFFFF


# ---------------------------------------------------------------------- joins
# Sides of a tile, as the image array sees them (row 0 at the top).
SIDES = ("left", "right", "top", "bottom")
_OPPOSITE = {"left": "right", "right": "left", "top": "bottom", "bottom": "top"}
_OFFSET = {"left": (-1, 0), "right": (1, 0), "top": (0, 1), "bottom": (0, -1)}  # (du, dv); v grows upwards


def neighbour_number(tile: Tile, side: str) -> Optional[int]:
    """UDIM number of the tile beyond ``side`` of ``tile``, or None outside the UDIM grid."""
    du, dv = _OFFSET[side]
    u, v = tile.u + du, tile.v + dv
    if not (0 <= u <= 9 and 0 <= v <= 99):
        return None
    return FIRST_UDIM + u + 10 * v


def _edge_rows(image: np.ndarray, side: str, depth: int) -> np.ndarray:
    """``depth`` lines next to ``side``, ordered from the edge inwards, as rows (depth x L)."""
    if side == "left":
        return image[:, :depth].T
    if side == "right":
        return image[:, ::-1][:, :depth].T
    if side == "top":
        return image[:depth]
    return image[::-1][:depth]


def edge_profile(image: np.ndarray, side: str, depth: int = JOIN_STAT_DEPTH) -> np.ndarray:
    """The ``depth`` lines of a map next to one side, edge first (depth x L float64).

    Join detection needs only these, so a farm driver keeps 4 small arrays per tile.
    """
    arr = np.asarray(image, dtype=np.float64)
    if arr.ndim == 3:
        arr = arr[..., 0]
    return np.ascontiguousarray(_edge_rows(arr, side, min(depth, min(arr.shape))))


def edges_join(near: np.ndarray, far: np.ndarray) -> bool:
    """Whether two tiles' inputs continue across their shared edge.

    ``near``/``far``: :func:`edge_profile` of the two sides that touch (edge row
    first). The step across the edge and its change of slope are compared with the
    steps and slope changes between interior rows; a border between unrelated
    islands (or padding against content) gives a step far above them.
    """
    if near.shape[1] != far.shape[1] or near.shape[0] < 3 or far.shape[0] < 3:
        return False
    line = np.concatenate([far[::-1], near], axis=0)  # rows across the edge, far side first
    steps = np.abs(np.diff(line, axis=0)).mean(axis=1)
    curvature = np.abs(np.diff(line, n=2, axis=0)).mean(axis=1)
    k = far.shape[0] - 1  # index of the step across the edge
    interior_steps = np.delete(steps, k)
    interior_curv = np.delete(curvature, [k - 1, k])
    scale = float(np.abs(line).max()) if line.size else 0.0
    eps = 1e-6 * max(scale, 1e-12)
    step_ok = steps[k] <= JOIN_STEP_FACTOR * float(np.median(interior_steps)) + eps
    curv_ok = max(curvature[k - 1], curvature[k]) <= JOIN_STEP_FACTOR * float(np.median(interior_curv)) + eps
    return bool(step_ok and curv_ok)


def find_joins(
    tiles: Sequence[Tile], mode: str, profiles: Callable[[Tile], Dict[str, np.ndarray]]
) -> Dict[int, Tuple[str, ...]]:
    """For each tile, the sides joined to a neighbour in the set: ``{udim: ("right", ...)}``.

    ``mode``: "off" joins nothing, "on" every pair of neighbours with equal edge
    length, "auto" the pairs whose inputs continue (:func:`edges_join`).
    ``profiles(tile)`` returns :func:`edge_profile` per side (called once per tile).
    """
    if mode not in JOIN_MODES:
        raise SettingsError(f"joins={mode!r} is unknown; use 'auto', 'on' or 'off'.")
    joined: Dict[int, List[str]] = {t.number: [] for t in tiles}
    if mode == "off":
        return {k: () for k in joined}
    by_number = {t.number: t for t in tiles}
    cache: Dict[int, Dict[str, np.ndarray]] = {}

    def prof(t: Tile) -> Dict[str, np.ndarray]:
        if t.number not in cache:
            cache[t.number] = profiles(t)
        return cache[t.number]

    for t in tiles:
        for side in ("right", "top"):  # each pair once
            n = neighbour_number(t, side)
            if n is None or n not in by_number:
                continue
            other = by_number[n]
            near, far = prof(t)[side], prof(other)[_OPPOSITE[side]]
            ok = near.shape[1] == far.shape[1] and (mode == "on" or edges_join(near, far))
            if ok:
                joined[t.number].append(side)
                joined[n].append(_OPPOSITE[side])
    return {k: tuple(s for s in SIDES if s in v) for k, v in joined.items()}


def margin_for(height: int, width: int) -> int:
    """Context margin in input pixels: 1/8 of the tile's shorter side, a multiple of 8 (>= 16)."""
    return max(16, (min(height, width) // 8) // 8 * 8)


def extend_with_context(
    tile_map: np.ndarray,
    neighbours: Dict[str, np.ndarray],
    margin: int,
    diagonals: Optional[Dict[Tuple[str, str], np.ndarray]] = None,
) -> Tuple[np.ndarray, Tuple[int, int, int, int]]:
    """The tile plus a ``margin`` strip of each joined neighbour's input.

    ``tile_map``: H x W (or H x W x C); ``neighbours[side]``: that neighbour's whole
    map (None: mirror the tile there, yet keep the margin). Sides without a neighbour get no margin. Corners between two joined sides
    come from the diagonal tile when given, else a mirror of the tile.
    Returns (extended map, (top, bottom, left, right) margins in pixels).
    """
    h, w = tile_map.shape[:2]
    m = {s: (margin if s in neighbours else 0) for s in SIDES}
    top, bottom, left, right = m["top"], m["bottom"], m["left"], m["right"]
    pad = [(top, bottom), (left, right)] + [(0, 0)] * (tile_map.ndim - 2)
    out = np.pad(tile_map, pad, mode="symmetric").astype(np.float32)
    for side, other in neighbours.items():
        if other is None:  # no such neighbour map (a companion shared by all tiles): keep the mirror
            continue
        if other.shape[:2] != tile_map.shape[:2]:
            raise InputError(
                f"Joined tiles must have the same size; got {other.shape[1]}x{other.shape[0]} beside {w}x{h}."
            )
        if side == "left":
            out[top : top + h, :left] = other[:, w - left :]
        elif side == "right":
            out[top : top + h, left + w :] = other[:, :right]
        elif side == "top":
            out[:top, left : left + w] = other[h - top :]
        else:
            out[top + h :, left : left + w] = other[:bottom]
    for (vert, horiz), other in (diagonals or {}).items():
        if other is None or vert not in neighbours or horiz not in neighbours:
            continue
        rows = slice(0, top) if vert == "top" else slice(top + h, top + h + bottom)
        cols = slice(0, left) if horiz == "left" else slice(left + w, left + w + right)
        src_rows = slice(h - top, h) if vert == "top" else slice(0, bottom)
        src_cols = slice(w - left, w) if horiz == "left" else slice(0, right)
        out[rows, cols] = other[src_rows, src_cols]
    return out, (top, bottom, left, right)


def crop_margins(extended: np.ndarray, margins: Tuple[int, int, int, int], factor: int = 1) -> np.ndarray:
    """The tile's own part of an extended map; ``factor`` is the output's upscale."""
    top, bottom, left, right = (x * factor for x in margins)
    h, w = extended.shape[:2]
    return extended[top : h - bottom, left : w - right]


def _fade_weights(band: int) -> np.ndarray:
    """Own-side weight at the 2*band pixels across an edge (own side first): 1 -> 0, 0.5 at the edge."""
    x = (np.arange(2 * band, dtype=np.float64) + 0.5) / (2 * band)  # 0..1 across the band
    return (0.5 + 0.5 * np.cos(np.pi * x)).astype(np.float32)


def blend_edges(
    own: np.ndarray,
    own_margins: Tuple[int, int, int, int],
    others: Dict[str, Tuple[np.ndarray, Tuple[int, int, int, int]]],
    band: int,
    factor: int = 1,
    detail_sigma: float = 2.0,
) -> np.ndarray:
    """The tile's final output: its own synthesis, cross-faded at each joined edge with the neighbour's.

    ``own``: this tile's extended output (margins ``own_margins`` in input px, times
    ``factor`` in output px). ``others[side]``: the neighbour's extended output and
    its margins. Each covers ``band`` output px beyond the shared edge, so the fade
    over the 2 x ``band`` px around the edge is between two syntheses of the same
    place, and the two tiles compute the very same field there: the joined result
    is continuous across the edge. The detail (above a Gaussian of
    ``detail_sigma`` px) is rescaled by 1/sqrt(w^2 + (1-w)^2) so the fade does not
    flatten it. Sides are applied in a fixed order (a corner takes the last).
    """
    tile = crop_margins(own, own_margins, factor).astype(np.float32, copy=True)
    h, w = tile.shape[:2]
    band = int(min(band, h // 2, w // 2))
    if band < 1:
        return tile
    for side in SIDES:
        if side not in others:
            continue
        other, other_margins = others[side]
        ours_c, m_ours = _canonical(own, own_margins, side, factor)
        theirs_c, m_theirs = _canonical(other, other_margins, _OPPOSITE[side], factor, flip=True)
        if m_ours[3] < band or m_theirs[2] < band:
            raise InputError(f"The context margin is narrower than the {band} px blend band.")
        mine = ours_c[
            m_ours[0] : ours_c.shape[0] - m_ours[1],
            ours_c.shape[1] - m_ours[3] - band : ours_c.shape[1] - m_ours[3] + band,
        ]
        theirs = theirs_c[m_theirs[0] : theirs_c.shape[0] - m_theirs[1], m_theirs[2] - band : m_theirs[2] + band]
        field = _fade(mine, theirs, band, detail_sigma)
        _set_strip(tile, side, band, _from_canonical(field[:, :band], side))
    return tile


def _canonical(arr: np.ndarray, margins, side: str, factor: int, flip: bool = False):
    """``arr`` turned so that ``side`` is on the right (margins in output px, same order).

    With ``flip`` the neighbour is turned so that its ``side`` (the one facing us)
    is on the left, in the same frame as ours.
    """
    top, bottom, left, right = (x * factor for x in margins)
    target = _OPPOSITE[side] if flip else side
    if target == "right":
        return arr, (top, bottom, left, right)
    if target == "left":
        return arr[:, ::-1], (top, bottom, right, left)
    axes = (1, 0) + tuple(range(2, arr.ndim))
    t = np.transpose(arr, axes)
    if target == "bottom":  # bottom -> right after a transpose
        return t, (left, right, top, bottom)
    return t[:, ::-1], (left, right, bottom, top)  # top -> left -> right


def _from_canonical(strip: np.ndarray, side: str) -> np.ndarray:
    """Inverse of :func:`_canonical` for a strip (rows along the edge, columns inner -> edge)."""
    if side == "right":
        return strip
    if side == "left":
        return strip[:, ::-1]
    axes = (1, 0) + tuple(range(2, strip.ndim))
    if side == "bottom":
        return np.transpose(strip, axes)
    return np.transpose(strip[:, ::-1], axes)


def _fade(mine: np.ndarray, theirs: np.ndarray, band: int, detail_sigma: float) -> np.ndarray:
    """Cross-fade over 2 x band columns (ours first), keeping the detail amplitude."""
    weights = _fade_weights(band)
    norm = np.sqrt(weights**2 + (1 - weights) ** 2)
    shape = (1, -1) + (1,) * (mine.ndim - 2)
    wts, nrm = weights.reshape(shape), norm.reshape(shape)
    mixed = (wts * mine + (1 - wts) * theirs).astype(np.float64)
    sig = (detail_sigma, detail_sigma) + (0,) * (mixed.ndim - 2)
    low = gaussian_filter(mixed, sig, mode="nearest")
    return (low + (mixed - low) / nrm).astype(np.float32)


def _set_strip(tile: np.ndarray, side: str, band: int, value: np.ndarray) -> None:
    if side == "left":
        tile[:, :band] = value
    elif side == "right":
        tile[:, -band:] = value
    elif side == "top":
        tile[:band] = value
    else:
        tile[-band:] = value
