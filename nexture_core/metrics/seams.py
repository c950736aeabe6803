"""Do block joins (or the wrap-around edge of a tileable map) show?

A seam shows either as a jump (more gradient energy across the join than
across any other column) or as a change of amplitude along it (a cross-fade
that averaged two unrelated detail fields is flatter). Both are compared with
the spread over all other columns/rows, so a test can say "the joins look like
any other column". :func:`edge_step_score` asks the same of two maps placed
side by side (UDIM tiles joined across their shared edge).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import List, Optional, Sequence, Tuple

import numpy as np

from .bands import _as_map, detail_band


@dataclass
class SeamScore:
    """Per-boundary ratios to the median column/row, and the interior's spread of the same ratio.

    ``energy_ratios``: mean squared step across each boundary over the median
    of all other columns/rows. ``std_ratios``: the detail's std along each
    boundary, likewise. ``*_spread``: (low, high) percentiles of the ratios of
    the non-boundary columns/rows, i.e. what "normal" looks like here.
    """

    energy_ratios: List[float]
    std_ratios: List[float]
    energy_spread: Tuple[float, float]
    std_spread: Tuple[float, float]
    boundaries: List[Tuple[str, int]] = field(default_factory=list)

    @property
    def worst_energy_ratio(self) -> float:
        return max(self.energy_ratios, default=1.0)

    def passed(self, margin: float = 1.25) -> bool:
        """True when every boundary ratio lies inside the interior spread widened by ``margin``."""
        lo_e, hi_e = self.energy_spread
        lo_s, hi_s = self.std_spread
        ok_e = all(lo_e / margin <= r <= hi_e * margin for r in self.energy_ratios)
        ok_s = all(lo_s / margin <= r <= hi_s * margin for r in self.std_ratios)
        return ok_e and ok_s

    def to_dict(self) -> dict:
        d = asdict(self)
        d["passed"] = self.passed()
        return d


def _line_stats(detail: np.ndarray, wrap: bool) -> Tuple[np.ndarray, np.ndarray]:
    """Per column c: mean squared step between columns c-1 and c, and std of column c."""
    step = detail - np.roll(detail, 1, axis=1)
    energy = np.mean(step * step, axis=0)
    if not wrap:
        energy[0] = np.nan  # column 0 has no left neighbour
    return energy, np.std(detail, axis=0)


def seam_score(
    detail: np.ndarray,
    boundaries_x: Sequence[int] = (),
    boundaries_y: Sequence[int] = (),
    spread: Tuple[float, float] = (5.0, 95.0),
    wrap: bool = False,
) -> SeamScore:
    """Score the block joins of a detail band (H x W).

    ``boundaries_x``: columns where a new block starts (the join is between
    column b-1 and b); ``boundaries_y``: rows, likewise. The other columns and
    rows (two pixels either side of a join excluded) give the interior spread.
    """
    arr = _as_map(detail).astype(np.float64)
    e_ratios: List[float] = []
    s_ratios: List[float] = []
    e_interior: List[np.ndarray] = []
    s_interior: List[np.ndarray] = []
    named: List[Tuple[str, int]] = []
    for axis_name, data, joins in (("x", arr, boundaries_x), ("y", arr.T, boundaries_y)):
        energy, std = _line_stats(data, wrap)
        n = len(energy)
        joins = [int(b) % n for b in joins]
        interior = np.ones(n, dtype=bool)
        interior[~np.isfinite(energy)] = False
        for b in joins:
            interior[max(0, b - 2) : b + 3] = False
        if interior.sum() < 4:
            continue
        e_med = float(np.median(energy[interior])) or 1e-30
        s_med = float(np.median(std[interior])) or 1e-30
        e_interior.append(energy[interior] / e_med)
        s_interior.append(std[interior] / s_med)
        for b in joins:
            if np.isfinite(energy[b]):
                e_ratios.append(float(energy[b] / e_med))
                s_ratios.append(float(std[b] / s_med))
                named.append((axis_name, b))
    if not e_interior:
        raise ValueError(f"a {arr.shape} map is too small to judge seams.")
    e_all, s_all = np.concatenate(e_interior), np.concatenate(s_interior)
    return SeamScore(
        energy_ratios=e_ratios,
        std_ratios=s_ratios,
        energy_spread=tuple(float(v) for v in np.percentile(e_all, spread)),  # type: ignore[arg-type]
        std_spread=tuple(float(v) for v in np.percentile(s_all, spread)),  # type: ignore[arg-type]
        boundaries=named,
    )


def tile_seam_score(x: np.ndarray, sigma: Optional[float] = None) -> SeamScore:
    """Seam score across the wrap-around edges of a map meant to tile.

    The map is rolled by half its size so both wrap edges sit in the middle,
    then scored like a block join. ``sigma``: take the detail band first
    (wrapped), for a full displacement map rather than a detail band.
    """
    arr = _as_map(x)
    if sigma:
        arr = detail_band(arr, sigma, wrap=True)
    h, w = arr.shape
    rolled = np.roll(arr, (h // 2, w // 2), axis=(0, 1))
    return seam_score(rolled, [w // 2], [h // 2])


def edge_step_score(first: np.ndarray, second: np.ndarray, axis: int = 1) -> float:
    """How visible the seam between two adjacent maps is; ~1 means no step.

    ``first`` is left of (``axis=1``) or above (``axis=0``) ``second``. The score is
    the mean |difference| across the shared edge over the mean |difference| between
    adjacent interior lines of both maps.
    """
    a = np.asarray(first, dtype=np.float64)
    b = np.asarray(second, dtype=np.float64)
    if a.ndim == 3:
        a, b = a[..., 0], b[..., 0]
    if axis == 0:
        a, b = a.T, b.T
    if a.shape[0] != b.shape[0]:
        raise ValueError(f"maps of {a.shape[0]} and {b.shape[0]} px along the edge cannot be compared.")
    across = float(np.abs(b[:, 0] - a[:, -1]).mean())
    interior = np.concatenate([np.abs(np.diff(a, axis=1)).mean(axis=0), np.abs(np.diff(b, axis=1)).mean(axis=0)])
    ref = float(interior.mean())
    return across / ref if ref > 0 else (0.0 if across == 0 else float("inf"))
