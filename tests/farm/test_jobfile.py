"""Job-file validation (errors name file, item and key) and --export-commands."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from farm_helpers import cli_main as main
from farm_helpers import cli_parser, write_tile_set

from nexture_core import udim
from nexture_core.batch.commands import export_commands
from nexture_core.batch.jobfile import load_job
from nexture_core.errors import InputError, OutputError, SettingsError


def job_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "job.toml"
    path.write_text(body)
    return path


@pytest.fixture
def tiles(tmp_path):
    return write_tile_set(tmp_path / "in", layout=((0, 0), (1, 0)), unrelated=((0, 1),))


GOOD = """
[batch]
retries = 1
[settings]
backbone = "random"
preset = "preview"
seed = 5
[[item]]
name = "hero"
input = "in/face.<UDIM>.exr"
patterns = ["cheek"]
output = "out/hero_{pattern}.<UDIM>.exr"
[item.settings]
strength = 2
"""


def test_a_good_job_loads_with_relative_paths_and_merged_settings(tmp_path, tiles):
    job = load_job(job_file(tmp_path, GOOD))
    assert job.retries == 1 and len(job.items) == 1
    item = job.items[0]
    assert item.input == str(tmp_path / "in" / "face.<UDIM>.exr")
    assert item.settings.seed == 5 and item.settings.strength == 2.0 and item.settings.backbone == "random"
    req = item.request_for(item.tiles()[1])
    assert req.settings.seed == udim.tile_seed(5, 1002)
    assert req.output == str(tmp_path / "out" / "hero_{pattern}.1002.exr")


@pytest.mark.parametrize(
    "change, error, words",
    [
        (("retries = 1", "retries = -1"), SettingsError, ["job.toml", "retries"]),
        (("strength = 2", "strenght = 2"), SettingsError, ["item 1 (hero)", "strenght", "strength"]),
        (("strength = 2", "strength = 99"), SettingsError, ["item 1 (hero)", "strength"]),
        (("strength = 2", "tileable = 3"), SettingsError, ["item 1 (hero)", "tileable"]),
        (
            ('patterns = ["cheek"]', 'patterns = "cheek"\nmasks = ["a.exr", "b.exr"]'),
            SettingsError,
            ["item 1 (hero)", "masks", "one mask per pattern"],
        ),
        (('patterns = ["cheek"]', 'patterns = ["cheek"]\ncolour = 1'), SettingsError, ["item 1 (hero)", "colour"]),
        (
            ('input = "in/face.<UDIM>.exr"', 'input = "in/body.<UDIM>.exr"'),
            InputError,
            ["item 1 (hero)", "input", "no tile matches"],
        ),
        (
            ('output = "out/hero_{pattern}.<UDIM>.exr"', 'output = "out/hero.exr"'),
            SettingsError,
            ["item 1 (hero)", "output", "<UDIM>"],
        ),
        (("[batch]", '[batch]\njoins = "sometimes"'), SettingsError, ["[batch]", "joins"]),
        (("[[item]]", "[[items]]"), SettingsError, ["unknown key 'items'", "item"]),
        (('name = "hero"', 'name = "hero"\nformat = "jpg"'), SettingsError, ["format", "exr"]),
    ],
)
def test_bad_job_files_name_file_item_and_key(tmp_path, tiles, change, error, words):
    body = GOOD.replace(*change)
    assert body != GOOD
    with pytest.raises(error) as info:
        load_job(job_file(tmp_path, body))
    message = str(info.value)
    for w in words:
        assert w in message, (w, message)
    assert "\n" not in message


def test_not_toml_and_missing_items_and_duplicates(tmp_path, tiles):
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_job(job_file(tmp_path, "[[item]\ninput = "))
    with pytest.raises(SettingsError, match="no work items"):
        load_job(job_file(tmp_path, "[batch]\nretries = 1\n"))
    with pytest.raises(InputError, match="not found"):
        load_job(tmp_path / "nope.toml")
    twice = (
        GOOD
        + GOOD.split("[settings]")[1].split("[[item]]", 1)[0] * 0
        + '\n[[item]]\nname = "hero"\ninput = "in/face.<UDIM>.exr"\noutput = "out/b.<UDIM>.exr"\n'
    )
    with pytest.raises(SettingsError, match="used twice"):
        load_job(job_file(tmp_path, twice))
    same_out = (
        GOOD + '\n[[item]]\nname = "copy"\ninput = "in/face.<UDIM>.exr"\noutput = "out/hero_{pattern}.<UDIM>.exr"\n'
    )
    with pytest.raises(OutputError, match="same output"):
        load_job(job_file(tmp_path, same_out))


def test_missing_companion_tile_is_named(tmp_path, tiles):
    (tmp_path / "in" / "mask.1001.exr").write_bytes((tmp_path / "in" / "face.1001.exr").read_bytes())
    body = GOOD.replace('patterns = ["cheek"]', 'patterns = ["cheek"]\nmasks = ["in/mask.<UDIM>.exr"]')
    with pytest.raises(InputError, match=r"masks.*mask\.1002\.exr does not exist for tile 1002"):
        load_job(job_file(tmp_path, body))


def test_cli_exit_code_2_for_a_bad_job(tmp_path, tiles, capsys):
    path = job_file(tmp_path, GOOD.replace("retries = 1", 'retries = "lots"'))
    assert main(["batch", str(path)]) == 2
    assert "retries" in capsys.readouterr().err


def test_export_commands_name_each_tile_its_seed_and_output(tmp_path, tiles, capsys):
    path = job_file(tmp_path, GOOD.replace("[batch]", '[batch]\njoins = "off"'))
    assert main(["batch", str(path), "--export-commands"]) == 0
    lines = [ln for ln in capsys.readouterr().out.splitlines() if ln.strip()]
    assert len(lines) == 3
    for line, number in zip(lines, (1001, 1002, 1011)):
        argv = shlex.split(line)
        assert argv[:2] == ["nexture", "synth"]
        assert argv[2] == str((tmp_path / "in" / f"face.{number}.exr").resolve())
        assert argv[argv.index("--seed") + 1] == str(udim.tile_seed(5, number))
        out = argv[argv.index("-o") + 1]
        assert out == str((tmp_path / "out" / f"hero_{{pattern}}.{number}.exr").resolve())
        for flag, value in (("--backbone", "random"), ("--preset", "preview"), ("--strength", "2.0"), ("-p", "cheek")):
            assert argv[argv.index(flag) + 1] == value
        for flag in ("--scale", "--upscale", "--device", "--precision", "--maps", "--nan", "--uncovered"):
            assert flag in argv


def test_exported_command_parses_back_through_the_synth_parser(tmp_path, tiles):
    job = load_job(job_file(tmp_path, GOOD.replace("[batch]", '[batch]\njoins = "off"')))
    lines, notes = export_commands(job)
    assert notes == []
    args = cli_parser().parse_args(shlex.split(lines[0])[1:])
    from nexture_core.cli.synth_cmd import settings_from_args

    assert settings_from_args(args) == job.items[0].request_for(job.items[0].tiles()[0]).settings


def test_export_commands_note_joined_tiles(tmp_path, tiles):
    job = load_job(job_file(tmp_path, GOOD))
    lines, notes = export_commands(job)
    assert len(lines) == 3 and len(notes) == 1 and "hero 1001" in notes[0]


def test_the_bundled_example_job_is_valid():
    example = Path(__file__).resolve().parents[2] / "examples" / "batch_example.toml"
    job = load_job(example, check_files=(example.parent / "eye_corner_1k.tif").is_file())
    assert [i.name for i in job.items] == ["eye_cheek", "eye_regions"]
    assert job.items[1].settings.maps == ("displacement", "normal") and job.retries == 2
