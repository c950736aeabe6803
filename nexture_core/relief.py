"""Sheets that show displacement maps: before/after, contact sheets, labels, PNG.

A displacement map's fine detail is invisible as grey values (a pore is a
thousandth of the map's range) but obvious as lit relief
(:func:`nexture_core.lookdev.shaded_relief`); these sheets put such views side
by side to judge a result. Images are float32 in [0, 1], H x W (grey) or
H x W x 3 (RGB).

Labels are drawn by OpenImageIO (``ImageBufAlgo.render_text``), already a
dependency, instead of a font of our own. Its default font comes with the
build: the PyPI wheels ship DroidSans, which draws headless with no font
installed on the machine; a build without FreeType or fonts (some hosts' own
OIIO) leaves the label bars blank with one warning, since a sheet without
captions still shows the relief. Only sheet-making code imports this module,
so OpenImageIO is imported at its top.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Iterable, Optional, Sequence, Tuple, Union

import numpy as np
import OpenImageIO as oiio

from .io import write_image
from .lookdev import DEFAULT_LIGHT, auto_exaggeration, shaded_relief
from .maps import as_map, resize_to

Crop = Union[None, str, Tuple[int, int, int, int]]

SHEET_BACKGROUND = 0.12
LABEL_SCALE_MIN = 2
LABEL_FONT_PX = 8  # font height per unit of label scale


def height_view(x: np.ndarray) -> np.ndarray:
    """Grey view of a map: 0.5th..99.5th percentile stretched to [0, 1] (H x W float32)."""
    arr = as_map(x)
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
def label_bar(text: str, width: int, scale: int = LABEL_SCALE_MIN) -> np.ndarray:
    """A dark H x ``width`` x 3 bar with ``text`` in white (cut at the right edge), for above a panel.

    ``scale`` sets the size: the font is ``LABEL_FONT_PX * scale`` px high. Drawn
    with OpenImageIO's text rendering in its default font; a build without
    FreeType or fonts gives the bar without text and one warning.
    """
    size = LABEL_FONT_PX * max(1, int(scale))
    pad = 2 * max(1, int(scale))
    height = size + 2 * pad
    buf = oiio.ImageBuf(oiio.ImageSpec(max(1, int(width)), height, 3, oiio.FLOAT))
    oiio.ImageBufAlgo.fill(buf, (SHEET_BACKGROUND,) * 3)
    if text and not oiio.ImageBufAlgo.render_text(buf, pad, pad, text, size, "", (1.0, 1.0, 1.0), "left", "top"):
        warnings.warn(
            f"Sheet labels left blank: OpenImageIO cannot draw text here ({buf.geterror() or 'no font'}).",
            RuntimeWarning,
            stacklevel=2,
        )
    return np.asarray(buf.get_pixels(oiio.FLOAT), dtype=np.float32).reshape(height, -1, 3)[:, :width]


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


def _resolve_crop(
    crop: Crop, shape: Tuple[int, int], downscaled: bool, size: Tuple[int, int] = (384, 384)
) -> Optional[Tuple[int, int, int, int]]:
    """(x, y, w, h) in output pixels, clipped to the map; "auto": a centred ``size`` (h, w) when the full view shrank."""
    h, w = shape
    if crop is None or (crop == "auto" and not downscaled):
        return None
    if crop == "auto":
        ch, cw = min(size[0], h), min(size[1], w)
        return ((w - cw) // 2, (h - ch) // 2, cw, ch)
    if isinstance(crop, str):
        raise ValueError(f"crop must be None, 'auto' or (x, y, width, height); got {crop!r}.")
    x, y, cw, ch = (int(v) for v in crop)
    x, y = min(max(0, x), w - 1), min(max(0, y), h - 1)
    return (x, y, max(1, min(cw, w - x)), max(1, min(ch, h - y)))


def scale_bar(image: np.ndarray, texel_mm: float) -> np.ndarray:
    """``image`` (grey or RGB, [0, 1]) with a millimetre scale bar in its lower left corner, H x W x 3.

    The bar is the longest of 5, 2, 1, 0.5, 0.2, 0.1 mm that fits a third of
    the width, so a 1:1 crop says in physical units how big its pores and cells are.
    """
    rgb = as_rgb(image)
    h, w = rgb.shape[:2]
    length_mm = next((mm for mm in (5.0, 2.0, 1.0, 0.5, 0.2, 0.1) if mm / texel_mm <= w / 3), None)
    if length_mm is None:
        return rgb
    scale = _label_scale(w)
    px = max(1, int(round(length_mm / texel_mm)))
    size, pad, thick = LABEL_FONT_PX * scale, 3 * scale, 2 * scale
    box_w, box_h = min(w, max(px, 4 * size) + 2 * pad), min(h, size + thick + 3 * pad)
    buf = oiio.ImageBuf(oiio.ImageSpec(w, h, 3, oiio.FLOAT))
    buf.set_pixels(oiio.ROI(), np.ascontiguousarray(rgb, dtype=np.float32))
    corner = oiio.ROI(0, box_w, h - box_h, h, 0, 1, 0, 3)
    oiio.ImageBufAlgo.fill(buf, (SHEET_BACKGROUND,) * 3, corner)
    oiio.ImageBufAlgo.fill(buf, (1.0, 1.0, 1.0), oiio.ROI(pad, pad + px, h - pad - thick, h - pad, 0, 1, 0, 3))
    oiio.ImageBufAlgo.render_text(
        buf, pad, h - box_h + pad, f"{length_mm:g} mm", size, "", (1.0, 1.0, 1.0), "left", "top"
    )
    return np.asarray(buf.get_pixels(oiio.FLOAT), dtype=np.float32).reshape(h, w, 3)


def before_after(
    input: np.ndarray,
    output: np.ndarray,
    *,
    crop: Crop = "auto",
    labels: bool = True,
    pattern: Optional[str] = None,
    max_side: int = 512,
    light: Tuple[float, float] = DEFAULT_LIGHT,
    wrap: bool = False,
    texel_mm: Optional[float] = None,
) -> np.ndarray:
    """Shaded relief of input ("before") and output ("after"): whole maps, then 1:1 crops; H x W x 3 float32.

    Both are lit with the SAME exaggeration, so the added detail shows as it
    is: the whole maps by the output's slopes (forms dominate), the 1:1 crops
    by the output crop's own (micro-detail dominates: at 1:1 pores must read as
    pores). The input is resampled to the output's size (upscaled syntheses).
    Each whole map shrinks to ``max_side`` (512: the sheet stays about 1k wide,
    so a README or a review tool shows the crops near 1:1); ``crop`` ((x, y, w,
    h) in output pixels, "auto": the centre, as big as a whole-map panel, or
    None) adds the second row at 1:1, with a millimetre scale bar when
    ``texel_mm`` (mm per output texel) is known. ``pattern`` names the
    pattern in the "after" label.
    """
    after = as_map(output, "output")
    before = as_map(input, "input")
    if before.shape != after.shape:
        before = resize_to(before, after.shape)
    k = auto_exaggeration(after, wrap)
    shaded = [shaded_relief(m, light=light, exaggeration=k, wrap=wrap) for m in (before, after)]
    fulls = [fit(s, max_side) for s in shaded]
    downscaled = fulls[1].shape != shaded[1].shape
    names = ["before", f"after: {pattern}" if pattern else "after"]
    suffix = " (whole map)" if downscaled else ""
    tiles = [(n + suffix, f) for n, f in zip(names, fulls, strict=True)]
    # The 1:1 crops take the whole-map panels' shape, so the two rows line up.
    box = _resolve_crop(crop, after.shape, downscaled, size=fulls[1].shape[:2])
    sheet = contact_sheet(tiles, columns=2, labels=labels)
    if box is None:
        return sheet
    x, y, cw, ch = box
    k_crop = auto_exaggeration(after[y : y + ch, x : x + cw], wrap=False)
    crops = []
    for n, m in zip(names, (before, after), strict=True):
        lit = shaded_relief(m[y : y + ch, x : x + cw], light=light, exaggeration=k_crop)
        crops.append((f"{n} 1:1", scale_bar(lit, texel_mm) if texel_mm else lit))
    return _stack_rows([sheet, contact_sheet(crops, columns=2, labels=labels)], gap=4)


def save_png(path: Union[str, Path], image: np.ndarray, *, protect: Iterable[Union[str, Path]] = ()) -> Path:
    """Write a [0, 1] grey or RGB image as an 8-bit PNG, atomically; returns the path.

    Raises OutputError (from nexture_core.io) when the path is protected or unwritable.
    """
    arr = np.asarray(image, dtype=np.float32)
    if arr.ndim == 3 and arr.shape[2] == 1:
        arr = arr[..., 0]
    arr = np.clip(arr, 0.0, 1.0)
    return write_image(Path(path), arr, dtype="uint8", protect=tuple(protect))


def write_before_after(
    path: Union[str, Path], input: np.ndarray, output: np.ndarray, *, protect: Iterable[Union[str, Path]] = (), **kwargs
) -> Path:
    """:func:`before_after` written as an 8-bit PNG (atomic); ``kwargs`` go to before_after."""
    return save_png(path, before_after(input, output, **kwargs), protect=protect)
