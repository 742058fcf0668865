"""`run mask`'s input count (as Flink's line reader splits files) and `--show`, which prints the
input side only of files `maskstream generate` wrote (maskstream.provenance)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from jobs.config import load_config
from maskstream.cli import main
from maskstream.preview import preview_file
from maskstream.provenance import MANIFEST, is_generated
from maskstream.run_local import count_lines, input_files, show_before_after
from tests.paths import REPO
from udfs.crypto.keys import KeyRing
from udfs.policy.model import load_policy

POLICY = REPO / "conf" / "policies" / "customers.yaml"

# (file bytes, records Flink reads: empty lines are records the job quarantines)
COUNTS = [
    (b"", 0),
    (b"{}\n", 1),
    (b"{}", 1),  # no final newline: still a record
    (b"{}\n{}", 2),
    (b"{}\n\n{}\n", 3),  # an empty line is read (and quarantined as empty_record)
    (b"{}\r\n{}\r\n", 2),
    (b"\n", 1),
]


@pytest.mark.parametrize(("data", "records"), COUNTS)
def test_count_lines_counts_what_flink_reads(data: bytes, records: int, tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    assert count_lines([path]) == records


def test_input_files_skip_what_flink_skips(tmp_path: Path) -> None:
    for name in ("a.jsonl", "sub/b.jsonl", "_manifest.json", ".hidden.jsonl", "_tmp/c.jsonl"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("{}\n")
    assert [p.relative_to(tmp_path).as_posix() for p in input_files(tmp_path)] == [
        "a.jsonl", "sub/b.jsonl",
    ]  # fmt: skip
    with pytest.raises(FileNotFoundError):
        input_files(tmp_path / "missing")


def test_generated_files_are_known_by_their_bytes(tmp_path: Path) -> None:
    out = tmp_path / "gen"
    assert main(["generate", "--rows", "5", "--out", str(out)]) == 0
    source = out / "events-00000.jsonl"
    assert (out / MANIFEST).exists() and is_generated(source)
    copy = tmp_path / "elsewhere" / source.name
    copy.parent.mkdir()
    shutil.copy(source, copy)
    assert not is_generated(copy)  # no manifest beside it
    with source.open("a", encoding="utf-8") as handle:
        handle.write('{"ssn": "planted"}\n')
    assert not is_generated(source)  # changed after generation


def _masked_table(policy_path: Path, source: Path, out: Path) -> None:
    out.mkdir(parents=True)
    with (out / "part-0.jsonl").open("w", encoding="utf-8") as handle:
        preview_file(load_policy(policy_path), source, KeyRing("k1", {"k1": b"k" * 32}), handle)


def _show(input_dir: Path, output_dir: Path, capsys: pytest.CaptureFixture[str]) -> str:
    config = load_config(
        "local", variables={"INPUT_PATH": str(input_dir), "OUTPUT_PATH": str(output_dir)}
    )
    show_before_after(config, POLICY, 3)
    return capsys.readouterr().out


SENSITIVE = ("ssn", "card_number", "email", "full_name", "phone", "notes")


def test_show_prints_the_input_side_of_generated_data_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    generated = tmp_path / "gen"
    main(["generate", "--rows", "3", "--out", str(generated)])
    capsys.readouterr()
    source = generated / "events-00000.jsonl"
    records = [json.loads(line) for line in source.read_text().splitlines()]
    _masked_table(POLICY, source, tmp_path / "out-gen")
    shown = _show(generated, tmp_path / "out-gen", capsys)
    assert "synthetic data: before -> after" in shown
    assert records[0]["ssn"] in shown  # the before side is there: it is generated

    real = tmp_path / "real"
    real.mkdir()
    shutil.copy(source, real / source.name)  # the same bytes, but not written by generate here
    _masked_table(POLICY, real / source.name, tmp_path / "out-real")
    shown = _show(real, tmp_path / "out-real", capsys)
    assert "input side is not shown" in shown and "synthetic" not in shown
    leaked = [f for r in records for f in SENSITIVE if str(r[f])[:40] in shown]
    assert leaked == []
    assert shown.count("(masked)") == 3
