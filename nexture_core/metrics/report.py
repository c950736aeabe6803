"""All quality measures of one synthesis in one report, with the project's targets.

Three levels (QUALITY.md): the input's structure kept, the detail's
second-order statistics, and the structure of the detail itself. Every
comparison with the pattern happens at the output's pixel scale: the pattern
is resampled by the multiplier before its detail band is taken.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Callable, List, Optional, Tuple

import numpy as np

from .bands import _as_map, detail_band, resample_pattern, resize_to
from .copying import COPY_MARGIN, independent_ncc, max_ncc, ncc_patch_for_cell
from .fidelity import detail_std_ratio, structure_psnr
from .orientation import orientation_l1
from .seams import tile_seam_score
from .spectrum import spectrum_distance_db
from .structure import connectivity_ratio, crease_connectivity, patch_realism, pore_sigmas_for_cell, pore_stats
from .transitions import transition_peak

# name -> (low, high) inclusive bounds; None = unbounded on that side.
TARGETS = {
    "structure_psnr_db": (40.0, None),
    "spectrum_distance_db": (None, 3.0),
    "detail_std_ratio": (0.85, 1.15),
    "orientation_l1": (None, 0.15),
    "max_ncc": (None, 0.97),
    "ncc_excess": (None, COPY_MARGIN),
    "connectivity_ratio": (0.5, 2.0),
    "patch_realism": (None, 1.5),
    "pore_density_ratio": (0.5, 2.0),
    "transition_peak": (None, 2.0),
}

LABELS = {
    "structure_psnr_db": "structure PSNR (dB)",
    "spectrum_distance_db": "spectrum distance (dB)",
    "detail_std": "detail std",
    "target_std": "target detail std",
    "detail_std_ratio": "detail std / target",
    "orientation_l1": "orientation L1",
    "max_ncc": "max NCC (copying)",
    "max_ncc_pattern": "max NCC, pattern halves (independent)",
    "ncc_excess": "NCC above the pattern's own",
    "connectivity_output": "crease connectivity, output",
    "connectivity_pattern": "crease connectivity, pattern",
    "connectivity_ratio": "crease connectivity ratio",
    "patch_realism": "patch realism",
    "pore_density_output": "pores per 1000 px2, output",
    "pore_density_pattern": "pores per 1000 px2, pattern",
    "pore_density_ratio": "pore density ratio",
    "pore_radius_output": "pore median radius px, output",
    "pore_radius_pattern": "pore median radius px, pattern",
    "transition_peak": "mask transition peak",
    "tile_seam_energy": "tile seam energy ratio",
}


SAME_WINDOW_MAX = 1024  # past this a window's border cuts too few pieces to matter


def target_text(name: str) -> str:
    lo, hi = TARGETS.get(name, (None, None))
    if lo is not None and hi is not None:
        return f"{lo:g} - {hi:g}"
    if lo is not None:
        return f">= {lo:g}"
    if hi is not None:
        return f"<= {hi:g}"
    return ""


def meets(name: str, value: Optional[float]) -> Optional[bool]:
    """True/False against TARGETS; None when the measure has no target or no value."""
    if name not in TARGETS or value is None or not math.isfinite(value):
        return None
    lo, hi = TARGETS[name]
    return (lo is None or value >= lo) and (hi is None or value <= hi)


@dataclass
class QualityReport:
    """Every measure of one output; None where it could not be computed (see ``notes``)."""

    structure_psnr_db: Optional[float] = None
    spectrum_distance_db: Optional[float] = None
    detail_std: Optional[float] = None
    target_std: Optional[float] = None
    detail_std_ratio: Optional[float] = None
    orientation_l1: Optional[float] = None
    max_ncc: Optional[float] = None
    max_ncc_pattern: Optional[float] = None
    ncc_excess: Optional[float] = None
    connectivity_output: Optional[float] = None
    connectivity_pattern: Optional[float] = None
    connectivity_ratio: Optional[float] = None
    patch_realism: Optional[float] = None
    pore_density_output: Optional[float] = None
    pore_density_pattern: Optional[float] = None
    pore_density_ratio: Optional[float] = None
    pore_radius_output: Optional[float] = None
    pore_radius_pattern: Optional[float] = None
    transition_peak: Optional[float] = None
    tile_seam_energy: Optional[float] = None
    tile_seam_passed: Optional[bool] = None
    multiplier: float = 1.0
    sigma: float = 0.0
    cell_px: float = 0.0
    notes: List[str] = field(default_factory=list)

    def as_rows(self) -> List[Tuple[str, Optional[float], str, Optional[bool]]]:
        """(label, value, target, passed) per measure, in reading order; passed None = no target."""
        rows = []
        for name in LABELS:
            value = getattr(self, name)
            if value is None and name in ("transition_peak", "tile_seam_energy"):
                continue
            passed = self.tile_seam_passed if name == "tile_seam_energy" else meets(name, value)
            rows.append(
                (LABELS[name], value, target_text(name) if name != "tile_seam_energy" else "in interior spread", passed)
            )
        return rows

    @property
    def passed(self) -> bool:
        """True when no measure with a target fails (missing measures do not fail)."""
        return all(p is not False for _, _, _, p in self.as_rows())

    def to_dict(self) -> dict:
        d = asdict(self)
        d["checks"] = {name: meets(name, getattr(self, name)) for name in TARGETS}
        d["passed"] = self.passed
        return d


def target_detail_std(
    pattern_disp: np.ndarray, multiplier: float, sigma: float, gain: float, wrap: bool = True
) -> float:
    """The detail std the engine aims for, in the output's units.

    The pattern's detail band at the output's pixel scale (resampled by
    ``multiplier``, split at ``sigma`` output px) times ``gain``, the map units
    per pattern unit of :func:`nexture_core.units.height_gain`: the pattern's
    real depth in the map's units.
    """
    pat = resample_pattern(_as_map(pattern_disp, "pattern"), multiplier, wrap=wrap)
    return float(gain) * float(np.std(detail_band(pat, sigma, wrap=wrap)))


def same_window(pattern_d: np.ndarray, shape: Tuple[int, ...]) -> np.ndarray:
    """A tiling pattern repeated to the output region's window (at most :data:`SAME_WINDOW_MAX` px a side).

    Connectivity counts pieces longer than two cells, and a window's border
    cuts pieces: a 133 px pattern tile judged against a 300 px output crop
    loses more of its furrows to the border (cheek at 0.09 mm: 0.23 on the tile
    against 0.26-0.34 on 300 px of the tiling). Same window, same cut.
    """
    h, w = (min(n, SAME_WINDOW_MAX) for n in shape[:2])
    if pattern_d.shape[0] >= h and pattern_d.shape[1] >= w:
        return pattern_d  # already the larger window: more furrows to count, the same cut or less
    reps = (-(-h // pattern_d.shape[0]), -(-w // pattern_d.shape[1]))
    return np.tile(pattern_d, reps)[:h, :w]


def _bbox(region: np.ndarray) -> Tuple[slice, slice]:
    rows, cols = np.any(region, axis=1), np.any(region, axis=0)
    y0, y1 = np.argmax(rows), len(rows) - np.argmax(rows[::-1])
    x0, x1 = np.argmax(cols), len(cols) - np.argmax(cols[::-1])
    return slice(int(y0), int(y1)), slice(int(x0), int(x1))


def evaluate(
    output: np.ndarray,
    input: np.ndarray,
    pattern_detail: np.ndarray,
    multiplier: float,
    sigma: float,
    strength_target_std: Optional[float] = None,
    mask: Optional[np.ndarray] = None,
    *,
    cell_px: Optional[float] = None,
    wrap: bool = False,
    pattern_wrap: bool = True,
) -> QualityReport:
    """Judge ``output`` (H x W, input units) against its ``input`` and the pattern.

    Detail measures look at the detail band of ``output - input``: what the
    synthesis added on top of the artist's own forms.

    ``input``: the input map at any size (resampled to the output's).
    ``pattern_detail``: the pattern's displacement (or its detail band) at its
    own pixel scale; it is resampled by ``multiplier`` (output px per pattern
    px) and its detail band taken at ``sigma`` (output px, the structure sigma).
    ``strength_target_std``: the detail std asked for (see
    :func:`target_detail_std`); None compares with the resampled pattern's.
    ``mask`` (any size, resampled): judge only where it is >= 0.5 and score its
    edge. ``cell_px``: crease-cell size in output px (default ``2 * sigma``,
    the inverse of scales.structure_sigma_px). Measures that cannot be taken
    (e.g. a region smaller than a patch) are None with a line in ``notes``.
    """
    out = _as_map(output, "output")
    inp = _as_map(input, "input")
    if inp.shape != out.shape:
        inp = resize_to(inp, out.shape)
    cell = float(cell_px) if cell_px else 2.0 * float(sigma)
    report = QualityReport(multiplier=float(multiplier), sigma=float(sigma), cell_px=cell)

    def attempt(name: str, fn: Callable[[], object]):
        try:
            return fn()
        except ValueError as exc:
            report.notes.append(f"{name}: {exc}")
            return None

    report.structure_psnr_db = attempt("structure PSNR", lambda: structure_psnr(out, inp, sigma, wrap))
    # The detail the synthesis added: the output's detail band less the input's
    # own (an artist's sculpted wrinkles are kept, not judged against the pattern).
    out_d = detail_band(out - inp, sigma, wrap)
    pat_d = detail_band(resample_pattern(pattern_detail, multiplier, wrap=pattern_wrap), sigma, wrap=pattern_wrap)
    region_d = out_d
    values = out_d
    if mask is not None:
        m = resize_to(_as_map(mask, "mask"), out.shape)
        inside = m >= 0.5
        if not inside.any():
            raise ValueError("the mask selects no pixel (nothing >= 0.5).")
        region_d = out_d[_bbox(inside)]
        values = out_d[inside]
        if not inside.all():
            report.transition_peak = attempt("transition peak", lambda: transition_peak(out_d, m))
    target = float(strength_target_std) if strength_target_std else float(np.std(pat_d))
    report.detail_std = float(np.std(values))
    report.target_std = target
    # The pattern's detail at the amplitude asked for, so the spectra compare
    # shape and level together (the pattern's own units are arbitrary).
    pat_d = pat_d * np.float32(target / max(float(np.std(pat_d)), 1e-30))
    report.detail_std_ratio = attempt("detail std", lambda: detail_std_ratio(values, target))
    report.spectrum_distance_db = attempt("spectrum", lambda: spectrum_distance_db(region_d, pat_d, sigma))
    report.orientation_l1 = orientation_l1(region_d, pat_d)
    # Copying: the output's best patch matches against the pattern, beside what
    # the pattern's two halves reach against each other with the same patches.
    ncc_patch = ncc_patch_for_cell(cell)
    report.max_ncc = attempt("max NCC", lambda: max_ncc(region_d, pat_d, patch=ncc_patch))
    report.max_ncc_pattern = attempt("max NCC of the pattern halves", lambda: independent_ncc(pat_d, patch=ncc_patch))
    if report.max_ncc is not None and report.max_ncc_pattern is not None:
        report.ncc_excess = report.max_ncc - report.max_ncc_pattern
    report.connectivity_output = crease_connectivity(region_d, cell)
    pat_window = same_window(pat_d, region_d.shape) if pattern_wrap else pat_d
    report.connectivity_pattern = crease_connectivity(pat_window, cell)
    report.connectivity_ratio = connectivity_ratio(region_d, pat_window, cell)
    # Patches about half a cell across: whole cells rarely recur even within
    # the pattern, half-cells do, so the nearest-patch distance discriminates.
    patch = int(np.clip(round(cell / 2), 8, 16))
    report.patch_realism = attempt("patch realism", lambda: patch_realism(region_d, pat_d, patch=patch))
    pore_args = pore_sigmas_for_cell(cell)
    pores_out = pore_stats(region_d, wrap=wrap, **pore_args)
    pores_pat = pore_stats(pat_d, wrap=pattern_wrap, **pore_args)
    report.pore_density_output = pores_out.density_per_kpx2
    report.pore_density_pattern = pores_pat.density_per_kpx2
    report.pore_radius_output = pores_out.median_radius_px
    report.pore_radius_pattern = pores_pat.median_radius_px
    if pores_pat.count > 0:
        report.pore_density_ratio = pores_out.density_per_kpx2 / pores_pat.density_per_kpx2
    else:
        report.notes.append("pores: the pattern shows no pore at this scale; density not compared.")
    if wrap:
        seam = attempt("tile seam", lambda: tile_seam_score(out_d))
        if seam is not None:
            report.tile_seam_energy = seam.worst_energy_ratio
            report.tile_seam_passed = seam.passed()
    return report
