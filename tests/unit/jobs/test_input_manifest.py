"""Input files known by content: which a rerun masks, leaves out or refuses, from the records the
tables hold and the digests the manifest recorded."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from jobs.config import ConfigError
from jobs.input_files import classify
from jobs.input_manifest import Digest, digest_of, read_manifest, write_manifest

A, B, C = b'{"id": 1}\n{"id": 2}\n', b'{"id": 3}\n', b'{"id": 4}\n{"id": 5}'


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    for name, body in (("a.jsonl", A), ("b.jsonl", B), ("c.jsonl", C)):
        (tmp_path / name).write_bytes(body)
    return tmp_path


def _plan(folder: Path, committed: dict[str, int], known: dict[str, bytes] | None = None):
    files = sorted(folder.iterdir())
    digests = {p.resolve(): digest_of(p) for p in files}
    before = {}
    for name, body in (known or {}).items():
        (folder / ".old").write_bytes(body)
        before[(folder / name).resolve()] = digest_of(folder / ".old")
        (folder / ".old").unlink()
    counts = Counter({(folder / n).resolve(): k for n, k in committed.items()})
    return classify(files, counts, digests, before)


@pytest.mark.parametrize(
    ("body", "records"),
    [(b"", 0), (b"x\n", 1), (b"x", 1), (b"x\n\ny", 3), (b"\n", 1), (b"a\nb\n", 2)],
)
def test_records_are_counted_as_flinks_line_reader_splits_them(
    tmp_path: Path, body: bytes, records: int
) -> None:
    (tmp_path / "f").write_bytes(body)
    assert digest_of(tmp_path / "f").records == records


@pytest.mark.parametrize(
    ("committed", "new", "done"),
    [
        ({}, ["a", "b", "c"], []),
        ({"a.jsonl": 2}, ["b", "c"], ["a"]),
        ({"a.jsonl": 2, "b.jsonl": 1, "c.jsonl": 2}, [], ["a", "b", "c"]),
    ],
)
def test_masked_files_are_done_and_the_rest_new(
    folder: Path, committed: dict[str, int], new: list[str], done: list[str]
) -> None:
    plan = _plan(folder, committed)
    assert [p.stem for p in plan.new] == new
    assert sorted(p.stem for p in plan.done) == done


def test_the_same_bytes_under_a_new_name_are_left_out(folder: Path) -> None:
    (folder / "a-again.jsonl").write_bytes(A)
    plan = _plan(folder, {"a.jsonl": 2})
    assert plan.copies == {folder / "a-again.jsonl": folder / "a.jsonl"}
    assert [p.stem for p in plan.new] == ["b", "c"]
    assert "a-again.jsonl = a.jsonl" in plan.render(folder)
    # Two new names with one content: the first by name is masked, the other left out.
    (folder / "b-again.jsonl").write_bytes(B)
    plan = _plan(folder, {})
    assert [p.stem for p in plan.new] == ["a-again", "b-again", "c"]
    assert plan.copies == {
        folder / "a.jsonl": folder / "a-again.jsonl",
        folder / "b.jsonl": folder / "b-again.jsonl",
    }
    # Empty files are all alike but hold nothing: none is a copy.
    (folder / "e1.jsonl").write_bytes(b"")
    (folder / "e2.jsonl").write_bytes(b"")
    assert {folder / "e1.jsonl", folder / "e2.jsonl"} <= set(_plan(folder, {}).new)


def test_the_source_pattern_leaves_out_copies(folder: Path) -> None:
    (folder / "a-again.jsonl").write_bytes(A)
    pattern = re.compile(_plan(folder, {"a.jsonl": 2}).pattern)
    assert not pattern.fullmatch(str((folder / "a-again.jsonl").resolve()))
    assert pattern.fullmatch(str((folder / "b.jsonl").resolve()))


@pytest.mark.parametrize(
    "after",
    [
        b'{"id": 1}\n{"id": 9}\n',  # the same number of records, one different
        b'{"id": 1}\n{"id": 2}\n{"id": 3}\n',  # grown
    ],
)
def test_a_masked_file_that_changed_stops_the_run(folder: Path, after: bytes) -> None:
    (folder / "a.jsonl").write_bytes(after)
    with pytest.raises(ConfigError) as err:
        _plan(folder, {"a.jsonl": 2}, known={"a.jsonl": A})
    message = str(err.value)
    assert "a.jsonl: its content changed after it was masked" in message
    assert "Fix:" in message and '"id"' not in message  # no record content


def test_a_file_masked_before_the_manifest_is_trusted_by_its_record_count(folder: Path) -> None:
    # Masked while following the folder, or before manifests: no digest to compare.
    assert [p.stem for p in _plan(folder, {"a.jsonl": 2}, known={}).done] == ["a"]
    # A file not masked yet may change freely (a run planned it, then stopped before a commit).
    assert [p.stem for p in _plan(folder, {}, known={"a.jsonl": B}).new] == ["a", "b", "c"]


def test_the_manifest_round_trips_and_a_damaged_one_names_itself(tmp_path: Path) -> None:
    where = tmp_path / "state" / "input-manifest.customers.json"
    files = {tmp_path / "a.jsonl": Digest("ab" * 32, 20, 2)}
    write_manifest(where, files)
    assert read_manifest(where) == files
    assert read_manifest(tmp_path / "none.json") == {} and read_manifest(None) == {}
    where.write_text('{"files": {"x": {"sha256": "y"}}}', encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape("customers.json: not an input manifest")):
        read_manifest(where)


def test_a_file_part_masked_stops_a_fresh_run_and_is_finished_by_resume(folder: Path) -> None:
    files = sorted(folder.iterdir())
    digests = {p.resolve(): digest_of(p) for p in files}
    committed = Counter({(folder / "a.jsonl").resolve(): 1})
    with pytest.raises(ConfigError, match=r"a.jsonl: 1 of its 2 records are already masked"):
        classify(files, committed, digests, {})
    plan = classify(files, committed, digests, {}, resume=True)
    assert plan.partial == {folder / "a.jsonl": (1, 2)}
