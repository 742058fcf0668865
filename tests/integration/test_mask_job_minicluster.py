"""The mask job on a real MiniCluster: same output as preview, every row once, nothing raw."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from jobs.config import load_config
from jobs.sql_files import SchemaMismatchError
from maskstream.preview import preview_files
from maskstream.records import normalize_row, read_jsonl, table_text
from tests.integration.conftest import MaskedRun, table_paths
from udfs.crypto.keys import load_keyring
from udfs.policy.model import load_policy
from udfs.policy.sink import SINK_METADATA, masked_types

pytestmark = pytest.mark.flink


def _job_rows(run: MaskedRun) -> list[dict]:
    rows = run.rows()
    assert rows, "the job committed no rows"
    return rows


def test_job_output_equals_preview_with_tiny_arrow_batches(masked_run: MaskedRun) -> None:
    policy = load_policy(masked_run.config.policy_path)
    types = masked_types(policy)
    job = sorted(
        (normalize_row(r, types) for r in _job_rows(masked_run)), key=lambda r: r["event_id"]
    )
    preview = sorted(
        (
            normalize_row(json.loads(json.dumps(r, default=str), parse_float=Decimal), types)
            for r in preview_files(policy, masked_run.input_files, load_keyring())
        ),
        key=lambda r: r["event_id"],
    )
    assert len(job) == len(preview) == 600
    for got, want in zip(job, preview, strict=True):
        assert got == want


def test_every_input_row_is_in_the_output_exactly_once(masked_run: MaskedRun) -> None:
    expected = Counter(r["event_id"] for _, r in read_jsonl(masked_run.input_files))
    actual = Counter(r["event_id"] for r in _job_rows(masked_run))
    assert actual == expected
    assert all(n == 1 for n in actual.values())


def test_no_raw_value_of_a_masked_field_reaches_the_output(masked_run: MaskedRun) -> None:
    policy = load_policy(masked_run.config.policy_path)
    masked_fields = [f.name for f in policy.masked]
    # Shifted or generalized dates may equal another row's raw date; only text is searched
    # for globally, every field is compared per row.
    text_fields = {f.name for f in policy.masked if f.input_type.is_text}
    raw = {r["event_id"]: r for _, r in read_jsonl(masked_run.input_files)}
    out_text = table_text(masked_run.output_dir)
    long_values = set()
    for row in _job_rows(masked_run):
        source = raw[row["event_id"]]
        for name in masked_fields:
            value = source.get(name)
            if value is None:
                continue
            # Per row: the masked value never equals the raw one.
            assert str(row[name]) != str(value), f"{name} of {row['event_id']} left unmasked"
            if name in text_fields and len(value) >= 8:
                long_values.add(value)
    # Anywhere in the warehouse (data files, manifests with their column bounds, metadata,
    # the catalog): no long raw value.
    # Count only: a failing assertion must not print the values it found.
    leaked = sum(1 for v in long_values if v in out_text)
    assert leaked == 0


def test_rows_carry_policy_version_key_id_source_and_digest(masked_run: MaskedRun) -> None:
    rows = _job_rows(masked_run)
    inputs = {f"file:{p}" for p in masked_run.input_files}
    assert {r["policy_version"] for r in rows} == {
        load_policy(masked_run.config.policy_path).version
    }
    assert {r["token_key_id"] for r in rows} == {"k1"}
    assert {r["source_ref"] for r in rows} == inputs
    assert all(len(r["row_digest"]) == 64 for r in rows)
    assert len({r["row_digest"] for r in rows}) == len(rows)
    assert all(r["customer_id"].startswith("tok_k1_") for r in rows)


def test_updating_query_into_the_masked_table_is_rejected(token_key: str, tmp_path: Path) -> None:
    """Append-only by construction: the mask job's Iceberg connector (build/iceberg-sink)
    accepts inserts only, so the planner refuses an updating query into it, naming the table.
    (The job's own plan check, jobs.tables.require_insert_only, guards sinks that would take
    updates, like Iceberg's own connector, which writes them as delete files.)"""
    from jobs.flink_env import create_table_env
    from jobs.mask_job import build
    from jobs.tables import NotAppendOnlyError, require_insert_only

    config = load_config("local", variables=table_paths(tmp_path))
    t_env = create_table_env(config.flink)
    build(t_env, config)
    # Every column of the table, one row per customer: an aggregate that updates its rows.
    names = t_env.from_path("customers_masked").get_schema().get_field_names()
    columns = ", ".join(f"`{n}`" if n == "customer_id" else f"MAX(`{n}`)" for n in names)
    updating = (
        f"INSERT INTO customers_masked SELECT {columns} FROM customers_masked "
        "GROUP BY `customer_id`"
    )
    with pytest.raises(Exception, match="customers_masked' doesn't support consuming update"):
        require_insert_only(t_env, updating, "customers_masked")
    # A sink that takes anything (blackhole, like Iceberg's own connector): the plan check.
    t_env.execute_sql(
        "CREATE TEMPORARY TABLE anything WITH ('connector' = 'blackhole') "
        "LIKE customers_masked (EXCLUDING ALL)"
    )
    lenient = updating.replace("INSERT INTO customers_masked", "INSERT INTO anything")
    with pytest.raises(NotAppendOnlyError, match="table `anything` is append-only"):
        require_insert_only(t_env, lenient, "anything")


def test_ddl_that_does_not_match_the_policy_fails_naming_file_and_column(
    token_key: str, tmp_path: Path
) -> None:
    from jobs.flink_env import create_table_env
    from jobs.mask_job import build

    config = load_config("local", variables=table_paths(tmp_path))
    sql_dir = tmp_path / "sql"
    sql_dir.mkdir()
    policy = load_policy(config.policy_path)
    columns = ",\n".join(
        f"  `{f.name}` {'BIGINT' if f.name == 'ssn' else f.output_type.sql}" for f in policy.fields
    )
    metadata = ",\n".join(f"  `{n}` {t.sql}" for n, t, _ in SINK_METADATA)
    (sql_dir / "customers_masked.sql").write_text(
        f"CREATE TABLE customers_masked (\n{columns},\n{metadata}\n) WITH (\n"
        f"  'connector' = 'filesystem', 'path' = '{tmp_path / 'o'}', 'format' = 'json');\n"
    )
    (sql_dir / "customers_raw.sql").write_text(config.ddl_file("raw").read_text())
    config.sql_dir = sql_dir
    with pytest.raises(SchemaMismatchError) as err:
        build(create_table_env(config.flink), config)
    assert "customers_masked.sql" in str(err.value)
    assert "column `ssn` is BIGINT, the policy needs STRING" in str(err.value)
