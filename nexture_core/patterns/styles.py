"""Region presets of the procedural skin generator, and the built-in bank's list.

Every length is in millimetres so a preset means the same skin at any
resolution; :mod:`.generator` turns them into pixels. Figures follow what
dermatology atlases and skin micro-scans show: primary crease cells of roughly
0.5-2 mm, pores of 0.05-0.25 mm radius, region-typical crease orientation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, Tuple

HORIZONTAL = 0.0
VERTICAL = 90.0


@dataclass(frozen=True)
class Network:
    """A crease network: cell boundaries of a warped, stretched Voronoi diagram.

    ``stretch`` (sx, sy) elongates cells along x/y (long furrows run along the
    longer axis); ``orientations`` (degrees, 0 = horizontal furrow) with
    ``orientation_bias`` in [0, 1] deepen furrows running that way; ``lattice``
    'jitter' gives polygonal cells, 'stagger' offset rows (rhombic cells).
    """

    cell_mm: float
    depth: float
    width_mm: float
    stretch: Tuple[float, float] = (1.0, 1.0)
    orientations: Tuple[float, ...] = ()
    orientation_bias: float = 0.0
    lattice: str = "jitter"
    jitter: float = 0.9
    warp_mm: float = 0.0
    depth_variation: float = 0.6


@dataclass(frozen=True)
class Pores:
    """Round depressions placed by Poisson-disc sampling inside the cells."""

    spacing_mm: float
    radius_mm: float
    depth: float
    radius_spread: float = 0.35  # log-normal sigma of the radius
    keep_off_furrow_mm: float = 0.05
    elongation: float = 1.25  # largest aspect ratio


@dataclass(frozen=True)
class Folds:
    """A family of long grooves across the tile (knuckle folds, rhombic forearm lines).

    ``spacing_mm`` apart, running at ``angle`` degrees (0 = horizontal, positive
    rising to the right in image rows). The generator rounds the groove count so
    the tile stays periodic. ``bend_mm`` bends them into arcs (concentric look),
    ``warp_mm`` makes them wavy, ``fade_cells`` is how many breaks/fades a
    groove shows across the tile.
    """

    spacing_mm: float
    depth: float
    width_mm: float
    angle: float = 0.0
    bend_mm: float = 0.0
    warp_mm: float = 0.0
    fade_cells: float = 12.0


@dataclass(frozen=True)
class SkinStyle:
    """Everything that makes one body region's micro-relief."""

    primary: Network
    secondary: Network
    pores: Pores | None = None
    follicles: Pores | None = None
    folds: Tuple[Folds, ...] = ()
    dome: float = 0.12  # cells bulge slightly between furrows
    noise: float = 0.05  # fine stratum-corneum roughness
    tone: Tuple[float, float, float] = (0.78, 0.58, 0.48)  # sRGB skin base
    sheen: float = 0.45  # mean specular on ridges


@dataclass(frozen=True)
class BuiltinPattern:
    """One entry of the built-in bank: what to write in its manifest."""

    id: str
    name: str
    region: str
    description: str
    width_mm: float
    seed: int
    style: SkinStyle = field(repr=False)

    @property
    def feature_mm(self) -> float:
        return self.style.primary.cell_mm


STYLES: Dict[str, SkinStyle] = {
    "forehead": SkinStyle(
        primary=Network(1.1, 1.0, 0.09, stretch=(1.8, 1.0), orientations=(HORIZONTAL,), orientation_bias=0.7, warp_mm=0.12),
        secondary=Network(0.35, 0.3, 0.04, warp_mm=0.04),
        pores=Pores(0.42, 0.075, 0.8),
        tone=(0.80, 0.61, 0.50),
    ),
    "cheek": SkinStyle(
        primary=Network(0.9, 1.0, 0.08, warp_mm=0.08, depth_variation=0.5),
        secondary=Network(0.3, 0.32, 0.035, warp_mm=0.03),
        pores=Pores(0.38, 0.08, 1.0),
        tone=(0.82, 0.60, 0.51),
    ),
    "nose": SkinStyle(
        primary=Network(1.2, 0.45, 0.07, warp_mm=0.1),
        secondary=Network(0.4, 0.15, 0.03, warp_mm=0.03),
        pores=Pores(0.34, 0.12, 1.3, radius_spread=0.3, keep_off_furrow_mm=0.03),
        dome=0.18,
        tone=(0.83, 0.59, 0.50),
        sheen=0.55,
    ),
    "chin": SkinStyle(
        primary=Network(0.7, 0.8, 0.06, warp_mm=0.06),
        secondary=Network(0.25, 0.28, 0.03, warp_mm=0.02),
        pores=Pores(0.26, 0.06, 0.9),
        tone=(0.81, 0.60, 0.50),
    ),
    "upper_lip": SkinStyle(
        primary=Network(0.8, 0.9, 0.06, stretch=(1.0, 2.2), orientations=(VERTICAL,), orientation_bias=0.75, warp_mm=0.08),
        secondary=Network(0.28, 0.3, 0.03, stretch=(1.0, 1.5), warp_mm=0.03),
        pores=Pores(0.36, 0.065, 0.8),
        tone=(0.80, 0.57, 0.49),
    ),
    "neck": SkinStyle(
        primary=Network(1.3, 1.1, 0.1, stretch=(3.2, 1.0), orientations=(HORIZONTAL,), orientation_bias=0.85, warp_mm=0.18),
        secondary=Network(0.4, 0.3, 0.04, stretch=(1.4, 1.0), warp_mm=0.05),
        pores=Pores(0.55, 0.06, 0.7),
        tone=(0.79, 0.60, 0.50),
    ),
    "forearm": SkinStyle(
        primary=Network(1.0, 0.45, 0.06, warp_mm=0.08),
        secondary=Network(0.32, 0.28, 0.03, warp_mm=0.03),
        folds=(Folds(0.92, 1.0, 0.07, angle=36.0, warp_mm=0.06, fade_cells=20.0),
               Folds(0.92, 1.0, 0.07, angle=-36.0, warp_mm=0.06, fade_cells=20.0)),
        pores=Pores(0.9, 0.06, 0.6),
        follicles=Pores(0.7, 0.035, 0.9, radius_spread=0.2, elongation=1.8),
        tone=(0.78, 0.58, 0.47),
    ),
    "back_of_hand": SkinStyle(
        primary=Network(1.5, 0.6, 0.08, stretch=(1.3, 1.0), warp_mm=0.12),
        folds=(Folds(1.3, 1.4, 0.11, angle=37.0, warp_mm=0.1, fade_cells=14.0),
               Folds(1.3, 1.4, 0.11, angle=-37.0, warp_mm=0.1, fade_cells=14.0)),
        secondary=Network(0.45, 0.4, 0.045, warp_mm=0.04),
        pores=Pores(0.9, 0.07, 0.6),
        follicles=Pores(1.1, 0.04, 0.8, radius_spread=0.2, elongation=1.6),
        dome=0.2,
        tone=(0.79, 0.59, 0.49),
    ),
    "palm": SkinStyle(
        primary=Network(0.9, 1.2, 0.06, stretch=(3.5, 1.0), orientations=(HORIZONTAL,), orientation_bias=0.8, warp_mm=0.25),
        secondary=Network(0.3, 0.45, 0.03, stretch=(2.5, 1.0), orientations=(HORIZONTAL,), orientation_bias=0.5, warp_mm=0.06),
        pores=None,
        dome=0.15,
        noise=0.06,
        tone=(0.85, 0.64, 0.56),
        sheen=0.35,
    ),
    "knuckle": SkinStyle(
        primary=Network(1.3, 0.6, 0.08, stretch=(1.5, 1.0), warp_mm=0.1),
        secondary=Network(0.4, 0.3, 0.04, warp_mm=0.04),
        pores=Pores(0.8, 0.06, 0.6),
        folds=(Folds(1.8, 1.6, 0.35, bend_mm=1.6, warp_mm=0.35, fade_cells=3.0),),
        tone=(0.78, 0.56, 0.48),
    ),
    "elbow": SkinStyle(
        primary=Network(1.8, 1.2, 0.13, stretch=(1.3, 1.0), warp_mm=0.25),
        secondary=Network(0.5, 0.45, 0.05, warp_mm=0.08),
        pores=Pores(1.0, 0.07, 0.5),
        folds=(Folds(2.6, 1.8, 0.5, bend_mm=0.9, warp_mm=0.7, fade_cells=3.0),),
        dome=0.2,
        noise=0.07,
        tone=(0.77, 0.57, 0.48),
        sheen=0.35,
    ),
    "back": SkinStyle(
        primary=Network(2.0, 0.55, 0.1, warp_mm=0.15, depth_variation=0.7),
        secondary=Network(0.6, 0.2, 0.05, warp_mm=0.05),
        pores=Pores(0.85, 0.14, 0.9, radius_spread=0.3),
        dome=0.1,
        tone=(0.80, 0.61, 0.51),
    ),
}

_ATTRIBUTES = [
    ("forehead", "Forehead", 12.0, "Horizontal anisotropic crease network with medium pores."),
    ("cheek", "Cheek", 12.0, "Isotropic polygonal cells with distinct round pores."),
    ("nose", "Nose", 11.0, "Large dense pores in shallow, weak creases."),
    ("chin", "Chin", 11.0, "Fine cells with dense small pores."),
    ("upper_lip", "Upper lip", 11.5, "Fine vertical creases with small pores."),
    ("neck", "Neck", 13.0, "Long, strongly horizontal furrows; sparse pores."),
    ("forearm", "Forearm", 12.5, "Rhombic crease cells, few pores, fine hair follicles."),
    ("back_of_hand", "Back of hand", 13.0, "Coarse rhombic network of deep creases with follicles."),
    ("palm", "Palm", 12.0, "Many deep, fine, roughly parallel creases; no pores."),
    ("knuckle", "Knuckle", 12.5, "Deep wavy, concentric folds over a fine network."),
    ("elbow", "Elbow", 13.0, "Coarse, deep, wrinkled folds over large cells."),
    ("back", "Back", 12.0, "Large shallow cells with sparse large pores."),
]

BUILTIN_PATTERNS: Tuple[BuiltinPattern, ...] = tuple(
    BuiltinPattern(
        id=pid, name=name, region=pid, description=desc, width_mm=width,
        seed=1000 + 17 * index, style=STYLES[pid],
    )
    for index, (pid, name, width, desc) in enumerate(_ATTRIBUTES)
)
