"""Physical units: how big a texel is, what one unit of height means, and what follows.

Skin detail is only skin at its real size: a pore is 0.05-0.25 mm across and a
crease cell 0.2-1 mm, and their relief is tens of micrometres deep. So every
size here is in millimetres and every depth in micrometres, and the engine
gets pixels and map units only through these functions:

- **Texel size** (mm per texel of the *input* map) comes from ``texel_mm`` or
  ``map_width_mm`` (the width the map covers); the output's texel is that over
  ``upscale``. When neither is given, the pattern's own texel is assumed (one
  pattern pixel per output pixel at ``scale`` 1) and the caller says so in one
  line (:func:`assumptions_line`).
- **Height unit** (mm of relief per map unit) comes from ``height_mm``; the
  stated default, :data:`DEFAULT_HEIGHT_MM`, reads one map unit as 1 cm: the
  scene unit Maya and ZBrush export float displacement in, and for a
  normalised [0, 1] map a full range of 1 cm, typical of a face sculpt.
- **Depth**: each pattern records how many micrometres its displacement's
  [0, 1] spans (``height_um``), so at strength 1 the added relief has the
  pattern's real depth in the map's own units, whatever the map's value range.
- ``scale`` makes the detail larger or smaller than real (1 = real size).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional, Sequence, Tuple

from .settings import UPSCALES

DEFAULT_HEIGHT_MM = 10.0
# Imported scans without a recorded depth: their detail band is taken to have
# this RMS roughness, typical of facial skin's fine band (docs/skin.md).
DEFAULT_DETAIL_RQ_UM = 12.0

# The detail band is what a Gaussian of this many crease-cell diameters removes:
# half a cell keeps whole cells (their furrows and pores) inside the detail band
# while the input's broad forms stay in the structure band.
STRUCTURE_SIGMA_PER_FEATURE = 0.5
MIN_STRUCTURE_SIGMA_PX = 2.0
# Output px per pattern px the engine accepts: below 1/64 a pattern pixel is
# a sixty-fourth of a texel and the map shows nothing of the pattern's form.
MULTIPLIER_RANGE = (1.0 / 64.0, 8.0)
# A feature needs about this many texels across to be drawn as itself.
RESOLVED_PX = 3.0
# A crease cell narrower than this many output texels is synthesized at twice
# the resolution and shrunk: at 10 texels a cell's furrows are one texel wide
# and the optimisation breaks them into pieces (connectivity 0.24-0.49 of the
# pattern's on the real head scan); drawn at 20 and shrunk they stay whole
# (0.58-1.13, final preset, benchmarks/realism.py; 0.81-1.18 with the finer
# levels' larger step, engine.FINE_LEARNING_RATE), for about twice the time.
OVERSAMPLE_BELOW_CELL_PX = 16.0


@dataclass(frozen=True)
class Texel:
    """Texel sizes in mm of one synthesis; ``assumed`` when the artist gave none."""

    input_mm: float
    output_mm: float
    assumed: bool


def input_texel_mm(texel_mm: Optional[float], map_width_mm: Optional[float], width_px: int) -> Optional[float]:
    """mm per input texel from either ``texel_mm`` or ``map_width_mm`` over ``width_px``; None if neither."""
    if texel_mm is not None:
        return float(texel_mm)
    if map_width_mm is not None:
        return float(map_width_mm) / float(width_px)
    return None


def texel(settings, width_px: int, pattern) -> Texel:
    """The synthesis' texel sizes for an input ``width_px`` wide; assumed from ``pattern`` if not given.

    ``settings``: a :class:`~nexture_core.settings.Settings` (texel_mm,
    map_width_mm, upscale, scale). The assumption is the one ``scale`` has
    always meant: one pattern pixel per output pixel at ``scale`` 1.
    """
    given = input_texel_mm(settings.texel_mm, settings.map_width_mm, width_px)
    if given is not None:
        return Texel(given, given / settings.upscale, assumed=False)
    out = float(pattern.mm_per_px)
    return Texel(out * settings.upscale, out, assumed=True)


def pattern_multiplier(settings, width_px: int, pattern) -> float:
    """Output pixels per pattern pixel: the pattern's texel over the output's, times ``scale``."""
    t = texel(settings, width_px, pattern)
    return float(pattern.mm_per_px) / t.output_mm * float(settings.scale)


def height_mm(settings) -> float:
    """mm of relief per map unit (the stated default when not given)."""
    return float(settings.height_mm) if settings.height_mm is not None else DEFAULT_HEIGHT_MM


def pattern_height_um(pattern, native_detail_std: Optional[float] = None) -> float:
    """Micrometres spanned by the pattern displacement's [0, 1].

    Built-in patterns record it (``height_um``); for a scan without it, the
    detail band's RMS (``native_detail_std``, pattern units) is read as
    :data:`DEFAULT_DETAIL_RQ_UM`.
    """
    recorded = getattr(pattern, "height_um", None)
    if recorded:
        return float(recorded)
    if native_detail_std and native_detail_std > 0:
        return DEFAULT_DETAIL_RQ_UM / float(native_detail_std)
    return DEFAULT_DETAIL_RQ_UM * 10.0


def height_gain(settings, pattern, native_detail_std: Optional[float] = None) -> float:
    """Map units per pattern displacement unit, times ``strength``: the one amplitude rule.

    The detail of a pattern resampled to the output's texel, times this gain,
    is the relief to add in the map's own units (its real depth at strength 1).
    """
    return pattern_height_um(pattern, native_detail_std) / 1000.0 / height_mm(settings) * float(settings.strength)


def structure_sigma_px(feature_px: float, multiplier: float) -> float:
    """Gaussian sigma (output pixels) that splits the input's structure from the detail."""
    return max(MIN_STRUCTURE_SIGMA_PX, STRUCTURE_SIGMA_PER_FEATURE * float(feature_px) * float(multiplier))


def feature_sizes_px(pattern, output_texel_mm: float, scale: float = 1.0) -> dict:
    """Pore diameters and crease-cell sizes of ``pattern`` in output pixels: name -> (low, high)."""
    sizes = {}
    for name, attr in (("pore", "pore_mm"), ("cell", "cell_mm")):
        span = getattr(pattern, attr, None)
        if name == "cell" and not span:
            span = (pattern.feature_mm, pattern.feature_mm)
        if span:
            sizes[name] = (span[0] * scale / output_texel_mm, span[1] * scale / output_texel_mm)
    return sizes


def _drawn(span: Optional[Tuple[float, float]]) -> bool:
    """A feature of ``span`` (px) reads as itself: its largest are :data:`RESOLVED_PX` texels or more."""
    return span is None or span[1] >= RESOLVED_PX


def pores_drawn(settings, width_px: int, pattern) -> bool:
    """Whether the output of an input ``width_px`` wide can draw ``pattern``'s pores (no pores: True)."""
    sizes = feature_sizes_px(pattern, texel(settings, width_px, pattern).output_mm, float(settings.scale))
    return _drawn(sizes.get("pore"))


def oversampling(settings, width_px: int, patterns: Sequence) -> int:
    """2 where a pattern's crease cell spans under :data:`OVERSAMPLE_BELOW_CELL_PX` output texels
    (and the synthesis may run at twice the output's resolution), else 1."""
    if not settings.oversample or settings.upscale * 2 not in UPSCALES:
        return 1
    if input_texel_mm(settings.texel_mm, settings.map_width_mm, width_px) is None:
        return 1  # an assumed texel is the pattern's own: its cells are as wide as the pattern draws them
    small = any(p.feature_px * pattern_multiplier(settings, width_px, p) < OVERSAMPLE_BELOW_CELL_PX for p in patterns)
    return 2 if small else 1


def oversampling_note(settings, width_px: int, patterns: Sequence) -> Optional[str]:
    """That the synthesis runs at twice the resolution, and which preset to deliver it with, or None."""
    if oversampling(settings, width_px, patterns) == 1:
        return None
    # On the real head scan the draft preset left the nose's network 0.14 short of
    # the pattern's and the cheek's 0.06 over; the final preset holds all four (README).
    hint = (
        f" For a delivered map use preset='final' / --preset final: at this cell size the {settings.preset} "
        "preset strays from the pattern's crease network."
        if settings.preset != "final" and settings.iterations is None
        else ""
    )
    return (
        f"crease cells under {OVERSAMPLE_BELOW_CELL_PX:g} texels: synthesized at twice the resolution "
        "and shrunk, so their furrows stay whole (about 2x the time; oversample=False / --no-oversample skips it)."
        + hint
    )


def _span(lo: float, hi: float) -> str:
    return f"{lo:.2g}-{hi:.2g} px" if abs(hi - lo) > 0.05 * hi else f"{hi:.2g} px"


def resolution_note(pattern, t: Texel, scale: float, upscale: int) -> Optional[str]:
    """What of the pattern this map cannot draw, and the --upscale that would, or None.

    A pore needs about :data:`RESOLVED_PX` texels across to read as a pore.
    """
    sizes = feature_sizes_px(pattern, t.output_mm, scale)
    pore = sizes.get("pore")
    cell = sizes.get("cell")
    for name, span in (("pores", pore), ("crease cells", cell)):
        if _drawn(span):
            continue
        needed = next((u for u in (2, 4) if u > upscale and span[1] * u / upscale >= RESOLVED_PX), None)
        hint = (
            f"; --upscale {needed} draws them at {_span(span[0] * needed / upscale, span[1] * needed / upscale)}"
            if needed
            else ("; even --upscale 4 leaves them under 3 texels: use a larger map (UDIM tiles) for this detail")
        )
        return f"at {t.output_mm:.3g} mm per texel {name} span {_span(*span)}, below what the map can draw{hint}."
    return None


def describe_sizes(pattern, t: Texel, scale: float = 1.0) -> str:
    """'pores 4-21 px, cells 17-85 px': what a texel size means for a pattern."""
    sizes = feature_sizes_px(pattern, t.output_mm, scale)
    parts = [f"{'pores' if k == 'pore' else 'crease cells'} {_span(*v)}" for k, v in sizes.items()]
    return ", ".join(parts)


def assumptions_line(settings, input_shape: Tuple[int, ...], patterns: Sequence) -> Optional[str]:
    """The one line saying what was assumed (texel size, height unit), or None if nothing was.

    ``input_shape``: (height, width) of the input map in px; ``patterns``: the
    chosen patterns (the first one's texel is the assumption).
    """
    if not patterns:
        return None
    width = int(input_shape[1])
    first = patterns[0]
    t = texel(settings, width, first)
    said = []
    if t.assumed:
        said.append(
            f"no texel size given: assumed the pattern's own {t.output_mm:.4g} mm per output texel "
            f"({describe_sizes(first, t, settings.scale)}); pass --texel-mm or --map-width-mm"
        )
    if settings.height_mm is None:
        said.append(f"height unit assumed {DEFAULT_HEIGHT_MM:g} mm per map unit (pass --height-mm)")
    return "; ".join(said) + "." if said else None


def texel_mm_from_areas(world_area_mm2: float, uv_area: float, width_px: int, height_px: int) -> float:
    """Texel size (mm) of a map whose UV [0,1]^2 square is ``width_px`` x ``height_px``.

    ``world_area_mm2``: the surface area of the faces the map covers, in mm^2;
    ``uv_area``: the same faces' area in UV space (the unit square is 1). One
    texel covers ``uv_area / (width * height)`` of UV space and so, on average,
    ``world_area / (width * height) * (1 / uv_area)`` mm^2 of surface.
    Raises ValueError for a degenerate mesh (no area, no UVs).
    """
    if not (world_area_mm2 > 0 and math.isfinite(world_area_mm2)):
        raise ValueError(f"the mesh has no surface area ({world_area_mm2!r} mm^2).")
    if not (uv_area > 0 and math.isfinite(uv_area)):
        raise ValueError(f"the mesh's UVs cover no area ({uv_area!r}); lay out UVs first.")
    if width_px <= 0 or height_px <= 0:
        raise ValueError(f"map size {width_px}x{height_px} px is empty.")
    return math.sqrt(world_area_mm2 / (uv_area * width_px * height_px))
