"""Fixtures of the CLI robustness tests: a CLI runner that sees what was written, a synthesis guard."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List

import numpy as np
import pytest

import nexture_core.api as api
from nexture_core.cli.main import main

# Makes ``cli_helpers`` importable (the suite runs with --import-mode=importlib).
_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


class Cli:
    """Runs ``nexture`` in-process; ``files()`` lists what exists under the test folder."""

    def __init__(self, root: Path, capfd) -> None:
        self.root, self.capfd = root, capfd

    def files(self) -> set:
        return {p for p in self.root.rglob("*") if p.is_file()}

    def __call__(self, *args: str):
        self.capfd.readouterr()
        code = main([str(a) for a in args])
        captured = self.capfd.readouterr()
        return code, [line for line in captured.err.splitlines() if line.strip()], captured.out


@pytest.fixture
def cli(tmp_path, capfd) -> Cli:
    return Cli(tmp_path, capfd)


@pytest.fixture
def no_synthesis(monkeypatch) -> List[str]:
    """Fail loudly if a synthesis starts: refusals must come before any work."""
    started: List[str] = []

    def refuse(*args, **kwargs):
        started.append("synthesis")
        raise AssertionError("the synthesis started before the refusal")

    monkeypatch.setattr(api, "synthesize", refuse)
    return started


@pytest.fixture(scope="session")
def tiny_bank(tmp_path_factory) -> Path:
    """A user bank holding 'tiny', a 128 px pattern, so that a real synthesis takes seconds."""
    from scipy import ndimage

    from nexture_core.io import write_image
    from nexture_core.patterns.importer import import_scans

    root = tmp_path_factory.mktemp("tiny_bank")
    rng = np.random.default_rng(0)
    height = ndimage.gaussian_filter(rng.standard_normal((128, 128)), 2, mode="wrap").astype(np.float32)
    (root / "scans").mkdir()
    write_image(root / "scans" / "disp.exr", height)
    import_scans(root / "scans", "tiny", 2.0, user_bank=root / "bank", feature_mm=0.3)
    return root / "bank"


@pytest.fixture
def with_tiny(tiny_bank, monkeypatch) -> str:
    monkeypatch.delenv("NEXTURE_PATTERN_PATH", raising=False)
    monkeypatch.setenv("NEXTURE_USER_BANK", str(tiny_bank))
    return "tiny"
