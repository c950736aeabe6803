"""Shaded-relief views of displacement maps, before/after sheets and contact sheets.

A displacement map's fine detail is invisible as grey values (a pore is a
thousandth of the map's range) but obvious as lit relief. Everything here is
numpy: images are float32 in [0, 1], H x W (grey) or H x W x 3 (RGB).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Iterable, List, Optional, Sequence, Tuple, Union

import numpy as np

from .metrics.bands import _as_map, resize_to

Exaggeration = Union[str, float]
Crop = Union[None, str, Tuple[int, int, int, int]]

DEFAULT_LIGHT = (315.0, 45.0)  # azimuth (deg, clockwise from up), altitude (deg)
SHEET_BACKGROUND = 0.12
LABEL_SCALE_MIN = 2

# ----------------------------------------------------------------- shading
def _gradients(h: np.ndarray, wrap: bool) -> Tuple[np.ndarray, np.ndarray]:
    if wrap:
        return 0.5 * (np.roll(h, -1, 1) - np.roll(h, 1, 1)), 0.5 * (np.roll(h, -1, 0) - np.roll(h, 1, 0))
    dy, dx = np.gradient(h)
    return dx, dy


def gradient_scale(height: np.ndarray, wrap: bool = False) -> float:
    """Robust slope of a map: the 95th percentile of its gradient magnitude (units per pixel)."""
    h = _as_map(height, "height")
    step = max(1, int(math.sqrt(h.size / 4_000_000)))  # subsample huge maps
    dx, dy = _gradients(h[::step, ::step].astype(np.float32), wrap)
    return float(max(np.percentile(np.hypot(dx, dy), 95) / step, 1e-12))


def auto_exaggeration(height: np.ndarray, wrap: bool = False) -> float:
    """Height multiplier that makes the 95th-percentile slope 45 degrees, whatever the map's units."""
    return 1.0 / gradient_scale(height, wrap)


def shaded_relief(
    height: np.ndarray,
    *,
    light: Tuple[float, float] = DEFAULT_LIGHT,
    exaggeration: Exaggeration = "auto",
    wrap: bool = False,
) -> np.ndarray:
    """Lambertian shading of the height field, H x W float32 in [0, 1].

    Normals come from central differences of ``height * exaggeration``;
    ``"auto"`` picks :func:`auto_exaggeration`. Pass one fixed number to light
    several maps identically (before/after). ``light`` = (azimuth, altitude) in
    degrees; azimuth 315 is the cartographic north-west light.
    """
    h = _as_map(height, "height")
    k = auto_exaggeration(h, wrap) if exaggeration == "auto" else float(exaggeration)
    dx, dy = _gradients(h, wrap)
    az, alt = math.radians(light[0]), math.radians(light[1])
    lx, ly, lz = math.sin(az) * math.cos(alt), math.cos(az) * math.cos(alt), math.sin(alt)
    nx = -dx * np.float32(k)
    ny = dy * np.float32(k)  # image rows grow downwards; the light's y is up
    shade = (nx * lx + ny * ly + lz) / np.sqrt(nx * nx + ny * ny + 1.0)
    return np.clip(shade, 0.0, 1.0).astype(np.float32)


def height_view(x: np.ndarray) -> np.ndarray:
    """Grey view of a map: 0.5th..99.5th percentile stretched to [0, 1] (H x W float32)."""
    arr = _as_map(x)
    flat = arr.ravel()[:: max(1, arr.size // 1_000_000)]
    lo, hi = np.percentile(flat, [0.5, 99.5])
    return np.clip((arr - lo) / max(float(hi - lo), 1e-12), 0.0, 1.0).astype(np.float32)


def as_rgb(image: np.ndarray) -> np.ndarray:
    """H x W x 3 float32 from grey (H x W or H x W x 1) or RGB(A); clipped to [0, 1]."""
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 2:
        arr = arr[..., None]
    if arr.shape[2] == 1:
        arr = np.repeat(arr, 3, axis=2)
    return np.clip(arr[..., :3], 0.0, 1.0)


def fit(image: np.ndarray, max_side: int) -> np.ndarray:
    """Shrink (antialiased) so the longer side is at most ``max_side``; never enlarges."""
    arr = np.asarray(image, dtype=np.float32)
    h, w = arr.shape[:2]
    f = max_side / max(h, w)
    if f >= 1.0:
        return arr
    size = (max(1, round(h * f)), max(1, round(w * f)))
    if arr.ndim == 2:
        return resize_to(arr, size)
    return np.stack([resize_to(arr[..., c], size) for c in range(arr.shape[2])], axis=-1)


# ------------------------------------------------------------------- labels
# 5 x 7 bitmap font: one hex byte per row, bit 4 = leftmost column.
_FONT = {
    "A": "0E11111F111111", "B": "1E11111E11111E", "C": "0E11101010110E", "D": "1C12111111121C",
    "E": "1F10101E10101F", "F": "1F10101E101010", "G": "0E11101711110F", "H": "1111111F111111",
    "I": "0E04040404040E", "J": "0702020202120C", "K": "11121418141211", "L": "1010101010101F",
    "M": "111B1515111111", "N": "11111915131111", "O": "0E11111111110E", "P": "1E11111E101010",
    "Q": "0E11111115120D", "R": "1E11111E141211", "S": "0F10100E01011E", "T": "1F040404040404",
    "U": "1111111111110E", "V": "11111111110A04", "W": "1111111515150A", "X": "11110A040A1111",
    "Y": "11110A04040404", "Z": "1F01020408101F", "0": "0E11131519110E", "1": "040C040404040E",
    "2": "0E11010204081F", "3": "1F02040201110E", "4": "02060A121F0202", "5": "1F101E0101110E",
    "6": "0608101E11110E", "7": "1F010204080808", "8": "0E11110E11110E", "9": "0E11110F01020C",
    " ": "00000000000000", ".": "00000000000C0C", ",": "000000000C0408", ":": "000C0C000C0C00",
    "-": "0000001F000000", "_": "0000000000001F", "/": "00010204081000", "(": "02040808080402",
    ")": "08040202020408", "%": "18190204081303", "+": "0004041F040400", "=": "00001F001F0000",
    "'": "04040800000000", "!": "04040404040004", "?": "0E110102040004", "x": "0000110A040A11",
}


def text_mask(text: str, scale: int = 2) -> np.ndarray:
    """Bool mask (7*scale x 6*scale*len) of ``text`` in the built-in 5x7 font (letters shown upper-case)."""
    glyphs = []
    for ch in text:
        code = _FONT.get(ch) or _FONT.get(ch.upper()) or _FONT["?"]
        rows = [int(code[i : i + 2], 16) for i in range(0, 14, 2)]
        glyph = np.array([[(r >> (4 - c)) & 1 for c in range(5)] + [0] for r in rows], dtype=bool)
        glyphs.append(glyph)
    if not glyphs:
        return np.zeros((7 * scale, 0), dtype=bool)
    mask = np.concatenate(glyphs, axis=1)
    return np.kron(mask, np.ones((scale, scale), dtype=bool)).astype(bool)


def label_bar(text: str, width: int, scale: int = LABEL_SCALE_MIN) -> np.ndarray:
    """A dark H x ``width`` x 3 bar with ``text`` in white (cut to fit), for above a panel."""
    pad = 2 * scale
    mask = text_mask(text, scale)[:, : max(0, width - 2 * pad)]
    bar = np.full((mask.shape[0] + 2 * pad, width, 3), SHEET_BACKGROUND, dtype=np.float32)
    bar[pad : pad + mask.shape[0], pad : pad + mask.shape[1]][mask] = 1.0
    return bar


def _label_scale(width: int) -> int:
    return max(LABEL_SCALE_MIN, width // 320)


# ------------------------------------------------------------------ sheets
def _stack_rows(rows: Sequence[np.ndarray], gap: int) -> np.ndarray:
    width = max(r.shape[1] for r in rows)
    parts = []
    for i, r in enumerate(rows):
        if r.shape[1] < width:
            r = np.concatenate([r, np.full((r.shape[0], width - r.shape[1], 3), SHEET_BACKGROUND, np.float32)], axis=1)
        parts.append(r)
        if i < len(rows) - 1 and gap:
            parts.append(np.full((gap, width, 3), SHEET_BACKGROUND, np.float32))
    return np.concatenate(parts, axis=0)


def _side_by_side(panels: Sequence[np.ndarray], gap: int) -> np.ndarray:
    height = max(p.shape[0] for p in panels)
    parts = []
    for i, p in enumerate(panels):
        if p.shape[0] < height:
            p = np.concatenate([p, np.full((height - p.shape[0], p.shape[1], 3), SHEET_BACKGROUND, np.float32)], axis=0)
        parts.append(p)
        if i < len(panels) - 1 and gap:
            parts.append(np.full((height, gap, 3), SHEET_BACKGROUND, np.float32))
    return np.concatenate(parts, axis=1)


def _panel(label: Optional[str], image: np.ndarray, labels: bool, scale: int) -> np.ndarray:
    rgb = as_rgb(image)
    if not labels or not label:
        return rgb
    return np.concatenate([label_bar(label, rgb.shape[1], scale), rgb], axis=0)


def contact_sheet(
    tiles: Sequence[Tuple[str, np.ndarray]],
    columns: int,
    *,
    gap: int = 4,
    labels: bool = True,
) -> np.ndarray:
    """Tiles (label, image in [0, 1], grey or RGB, any sizes) on a grid, shown 1:1; H x W x 3 float32.

    For benchmark sheets: pattern vs output vs baseline, or displacement,
    albedo, specular and normal side by side. Pass shaded reliefs for height maps.
    """
    if not tiles:
        raise ValueError("contact_sheet needs at least one tile.")
    columns = max(1, int(columns))
    scale = _label_scale(min(np.asarray(t[1]).shape[1] for t in tiles))
    panels = [_panel(label, img, labels, scale) for label, img in tiles]
    rows = [_side_by_side(panels[i : i + columns], gap) for i in range(0, len(panels), columns)]
    return _stack_rows(rows, gap)


def _resolve_crop(crop: Crop, shape: Tuple[int, int], downscaled: bool, size: int = 384) -> Optional[Tuple[int, int, int, int]]:
    """(x, y, w, h) in output pixels, clipped to the map; "auto": a centred square when the full view shrank."""
    h, w = shape
    if crop is None or (crop == "auto" and not downscaled):
        return None
    if crop == "auto":
        cw, ch = min(size, w), min(size, h)
        return ((w - cw) // 2, (h - ch) // 2, cw, ch)
    if isinstance(crop, str):
        raise ValueError(f"crop must be None, 'auto' or (x, y, width, height); got {crop!r}.")
    x, y, cw, ch = (int(v) for v in crop)
    x, y = min(max(0, x), w - 1), min(max(0, y), h - 1)
    return (x, y, max(1, min(cw, w - x)), max(1, min(ch, h - y)))


def before_after(
    input: np.ndarray,
    output: np.ndarray,
    *,
    crop: Crop = "auto",
    labels: bool = True,
    pattern: Optional[str] = None,
    max_side: int = 1024,
    light: Tuple[float, float] = DEFAULT_LIGHT,
    wrap: bool = False,
) -> np.ndarray:
    """Side-by-side shaded relief of input ("before") and output ("after"), H x W x 3 float32.

    Both are lit with the SAME exaggeration, taken from the output, so the
    added detail shows as it is. The input is resampled to the output's size
    (upscaled syntheses). Each full view shrinks to ``max_side``; ``crop``
    ((x, y, w, h) in output pixels, "auto" or None) adds a second row at 1:1.
    ``pattern`` names the pattern in the "after" label.
    """
    after = _as_map(output, "output")
    before = _as_map(input, "input")
    if before.shape != after.shape:
        before = resize_to(before, after.shape)
    k = auto_exaggeration(after, wrap)
    shaded = [shaded_relief(m, light=light, exaggeration=k, wrap=wrap) for m in (before, after)]
    fulls = [fit(s, max_side) for s in shaded]
    downscaled = fulls[1].shape != shaded[1].shape
    names = ["before", f"after: {pattern}" if pattern else "after"]
    suffix = " (full view)" if downscaled else ""
    tiles = [(n + suffix, f) for n, f in zip(names, fulls)]
    box = _resolve_crop(crop, after.shape, downscaled)
    sheet = contact_sheet(tiles, columns=2, labels=labels)
    if box is None:
        return sheet
    x, y, cw, ch = box
    crops = [(f"{n} 1:1 at {x},{y}", s[y : y + ch, x : x + cw]) for n, s in zip(names, shaded)]
    return _stack_rows([sheet, contact_sheet(crops, columns=2, labels=labels)], gap=4)


def save_png(path: Union[str, Path], image: np.ndarray, *, protect: Iterable[Union[str, Path]] = ()) -> Path:
    """Write a [0, 1] grey or RGB image as an 8-bit PNG, atomically; returns the path.

    Raises OutputError (from nexture_core.io) when the path is protected or unwritable.
    """
    from .io import write_image

    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    arr = np.clip(arr, 0.0, 1.0)
    return write_image(Path(path), arr, dtype="uint8", protect=tuple(protect))


def write_before_after(path: Union[str, Path], input: np.ndarray, output: np.ndarray, *, protect: Iterable[Union[str, Path]] = (), **kwargs) -> Path:
    """:func:`before_after` written as an 8-bit PNG (atomic); ``kwargs`` go to before_after."""
    return save_png(path, before_after(input, output, **kwargs), protect=protect)


def maps_sheet(maps: Sequence[Tuple[str, np.ndarray]], *, columns: Optional[int] = None, max_side: int = 512) -> np.ndarray:
    """The "extra maps" sheet: each (name, map) shown side by side, each fitted to ``max_side``.

    One-channel maps named like displacement or height are shown as shaded
    relief; other one-channel maps (cavity, specular) and RGB maps (albedo,
    normal) as they are, clipped to [0, 1].
    """
    tiles: List[Tuple[str, np.ndarray]] = []
    for name, m in maps:
        arr = np.asarray(m, dtype=np.float32)
        if arr.ndim == 2 and any(w in name.lower() for w in ("displacement", "height", "input", "output")):
            arr = shaded_relief(arr)
        tiles.append((name, fit(arr, max_side)))
    return contact_sheet(tiles, columns or len(tiles))
