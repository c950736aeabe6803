"""Quality measures for synthesized detail (numpy/scipy only, no torch).

Each measure is a pure function on H x W float32 maps; :func:`evaluate`
computes them all into a :class:`QualityReport` with the project's targets.
What they mean and why they are needed: /work/shared/QUALITY.md.
"""

from .bands import detail_band, lowpass, resample_pattern, resize_to, robust_range, upsample
from .copying import COPY_MARGIN, COPY_NCC, independent_ncc, max_ncc, ncc_patch_for_cell
from .fidelity import MAX_PSNR_DB, detail_std_ratio, structure_psnr
from .orientation import orientation_histogram, orientation_l1
from .report import TARGETS, QualityReport, evaluate, meets, target_detail_std
from .seams import SeamScore, seam_score, tile_seam_score
from .spectrum import detail_cutoff, radial_log_spectrum, spectrum_distance_db
from .structure import (
    PoreStats,
    connectivity_ratio,
    crease_connectivity,
    find_pores,
    furrow_mask,
    patch_realism,
    pore_stats,
)
from .transitions import signed_distance, transition_peak, transition_profile

__all__ = [
    "COPY_MARGIN",
    "COPY_NCC",
    "independent_ncc",
    "ncc_patch_for_cell",
    "MAX_PSNR_DB",
    "TARGETS",
    "PoreStats",
    "QualityReport",
    "SeamScore",
    "connectivity_ratio",
    "crease_connectivity",
    "detail_band",
    "detail_cutoff",
    "detail_std_ratio",
    "evaluate",
    "find_pores",
    "furrow_mask",
    "lowpass",
    "max_ncc",
    "meets",
    "orientation_histogram",
    "orientation_l1",
    "patch_realism",
    "pore_stats",
    "radial_log_spectrum",
    "resample_pattern",
    "resize_to",
    "robust_range",
    "seam_score",
    "signed_distance",
    "spectrum_distance_db",
    "structure_psnr",
    "target_detail_std",
    "tile_seam_score",
    "transition_peak",
    "transition_profile",
    "upsample",
]
