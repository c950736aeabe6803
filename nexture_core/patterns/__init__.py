"""The pattern bank: micro-scans of skin with matched maps and a known physical size."""

from .bank import (  # noqa: F401
    DEFAULT_PATTERN,
    Pattern,
    PatternBank,
    bank_folders,
    builtin_bank_dir,
    load_bank,
    pattern_from_folder,
    user_bank_dir,
)
from .manifest import Manifest, read_manifest  # noqa: F401
