"""The command line's progress: a tqdm bar with rate and time left on a terminal, plain lines elsewhere."""

from __future__ import annotations

import io
import re
from itertools import pairwise

import numpy as np

from nexture_core.cli.main import main
from nexture_core.io import write_image
from nexture_core.progress import TerminalProgress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def feed(progress: TerminalProgress) -> None:
    """What a two-level synthesis reports: many iterations per level, then writing."""
    for level in (1, 2):
        for i in range(1, 21):
            progress((level - 1) * 0.45 + 0.45 * i / 20, f"level {level}/2 (64x64): iteration {i}/20")
    progress(0.98, "writing")
    progress(1.0, "done")


def test_without_a_terminal_one_plain_line_per_stage():
    out = io.StringIO()
    progress = TerminalProgress(stream=out)
    feed(progress)
    progress.close()
    text = out.getvalue()
    lines = text.splitlines()
    assert "\r" not in text
    assert [line.split(None, 2)[2] for line in lines] == ["level 1/2 (64x64)", "level 2/2 (64x64)", "writing", "done"]
    assert lines[0].split()[0] == "2.2%" and lines[-1].startswith("100.0% 00:00<00:00")


def test_on_a_terminal_a_bar_with_rate_time_left_and_stage():
    out = Terminal()
    progress = TerminalProgress(stream=out)
    feed(progress)
    progress.write("face 1001 done", file=out)
    progress.close()
    text = out.getvalue()
    assert "\r" in text and "|" in text
    assert "%/s" in text  # the rate
    assert "00:00<00:00" in text and text.rstrip().endswith("done")  # time left, then the stage
    assert "face 1001 done\n" in text
    assert "100.0%" in text.split("face 1001 done")[-1]  # the bar came back after the line


def test_quiet_shows_nothing():
    out = Terminal()
    progress = TerminalProgress(enabled=False, stream=out)
    feed(progress)
    progress.close()
    assert out.getvalue() == ""


def test_synth_shows_its_stages_in_a_log(tmp_path, capsys):
    y, x = np.mgrid[0:64, 0:64] / 64.0
    write_image(tmp_path / "face.tif", (0.5 + 0.3 * np.sin(3 * x) * np.cos(2 * y)).astype(np.float32), dtype="uint16")
    code = main(
        [
            "synth",
            str(tmp_path / "face.tif"),
            "--backbone",
            "random",
            "--iterations",
            "2",
            "-o",
            str(tmp_path / "out.tif"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 0 and "\r" not in err
    stages = [m.group(1) for m in re.finditer(r"^ *[0-9.]+% \S+<\S+ (.*)$", err, re.MULTILINE)]
    assert stages[0].startswith("level 1/") and stages[-2:] == ["writing", "done"]
    assert len(stages) < 8 and all(a != b for a, b in pairwise(stages))  # a line per stage, not per iteration
