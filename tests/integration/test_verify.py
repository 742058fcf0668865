"""`maskstream verify` against tampered copies of a real masked table and its audit trail, as
the `parquet` profile keeps them (plain Parquet files): each kind of tampering is named; an
untouched table verifies OK. The same checks on the Iceberg tables, and the snapshot history
that catches a rewritten file there: tests/integration/test_iceberg_history.py."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from maskstream.records import committed_files, is_parquet
from maskstream.tables import load_iceberg, scan_arrow, table_ref
from maskstream.verify import verify
from tests.integration.conftest import MaskedRun
from udfs.crypto.digest import row_digests
from udfs.policy.model import Policy, load_policy
from udfs.policy.sink import masked_types

pytestmark = pytest.mark.flink


def _rewrite(path: Path, edit: Callable[[list[dict]], list[dict]]) -> None:
    """Tamper with a table file in place, keeping its format (Parquet with its own schema)."""
    if is_parquet(path):
        table = pq.read_table(path)
        edited = pa.Table.from_pylist(edit(table.to_pylist()), schema=table.schema)
        pq.write_table(edited, path)
    else:
        rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
        path.write_text("".join(json.dumps(r) + "\n" for r in edit(rows)))


def _redigest(policy: Policy, row: dict) -> str:
    types = masked_types(policy)
    columns = [
        (pd.Series([row[n]], dtype=object), t) for n, t in types.items() if n != "row_digest"
    ]
    return row_digests(columns)[0]


def _copy_as_parquet(run: MaskedRun, suffix: str, folder: Path) -> None:
    """The run's Iceberg table <dataset>_<suffix> as one Parquet file in `folder`, its columns
    and types as written (the partition column lives in folder names in the parquet profile)."""
    table = scan_arrow(load_iceberg(table_ref(run.config, suffix)))
    if "dt" in table.column_names:
        table = table.drop_columns(["dt"])
    folder.mkdir()
    pq.write_table(table, folder / "part-0.parquet")


def _tamper(run: MaskedRun, tmp_path: Path) -> tuple[Policy, Path, Path]:
    masked, audit = tmp_path / "masked", tmp_path / "audit"
    _copy_as_parquet(run, "masked", masked)
    _copy_as_parquet(run, "audit", audit)
    return load_policy(run.config.policy_path), masked, audit


def _problems(policy: Policy, masked: Path, audit: Path) -> str:
    report = verify(policy, masked, audit)
    assert not report.ok
    return report.render()


def test_untouched_table_verifies_ok(audited_run: MaskedRun, tmp_path: Path) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)
    report = verify(policy, masked, audit)
    assert report.ok, report.render()
    assert "VERIFIED" in report.render()


def test_altered_row_is_named(audited_run: MaskedRun, tmp_path: Path) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)

    def alter(rows: list[dict]) -> list[dict]:
        rows[3]["city"] = "Elsewhere"
        return rows

    _rewrite(committed_files(masked)[0], alter)
    assert "1 row(s) altered: content does not match digest" in _problems(policy, masked, audit)


def test_altered_row_with_a_recomputed_digest_is_still_caught(
    audited_run: MaskedRun, tmp_path: Path
) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)

    def alter(rows: list[dict]) -> list[dict]:
        rows[3]["city"] = "Elsewhere"
        rows[3]["row_digest"] = _redigest(policy, rows[3])
        return rows

    _rewrite(committed_files(masked)[0], alter)
    assert "same count, different rows than sealed" in _problems(policy, masked, audit)


def test_deleted_row_is_named(audited_run: MaskedRun, tmp_path: Path) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)
    _rewrite(committed_files(masked)[0], lambda rows: rows[:5] + rows[6:])
    assert "1 row(s) missing" in _problems(policy, masked, audit)


def test_forged_row_is_named(audited_run: MaskedRun, tmp_path: Path) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)

    def forge(rows: list[dict]) -> list[dict]:
        fake = dict(rows[0], event_id="00000000-0000-4000-8000-000000000000")
        fake["row_digest"] = _redigest(policy, fake)
        return [*rows, fake]

    _rewrite(committed_files(masked)[0], forge)
    text = _problems(policy, masked, audit)
    assert "1 row(s) added" in text and "duplicate" not in text


def test_duplicated_file_is_named(audited_run: MaskedRun, tmp_path: Path) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)
    original = committed_files(masked)[0]
    shutil.copy(original, original.with_name(original.name + "-copy"))
    assert "duplicate(s) of existing rows" in _problems(policy, masked, audit)


def test_altered_seal_breaks_the_chain(audited_run: MaskedRun, tmp_path: Path) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)

    def lower_count(rows: list[dict]) -> list[dict]:
        rows[0]["rows_masked"] -= 1
        return rows

    _rewrite(committed_files(audit)[0], lower_count)
    assert "does not match its contents" in _problems(policy, masked, audit)


def test_removed_seal_is_named(audited_run: MaskedRun, tmp_path: Path) -> None:
    policy, masked, audit = _tamper(audited_run, tmp_path)
    _rewrite(committed_files(audit)[0], lambda rows: rows[1:])
    text = _problems(policy, masked, audit)
    assert "window that has no seal" in text and "chain starts" in text
