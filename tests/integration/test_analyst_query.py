"""Analyst access: both shipped datasets masked on the MiniCluster into date-partitioned Iceberg
tables, then queried with `maskstream query` (pyiceberg into DuckDB) and with a second engine,
the Flink SQL client (batch, through the Iceberg catalog)."""

from __future__ import annotations

import json
import re
import subprocess
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from jobs.config import JobConfig, load_config
from maskstream.cli import main
from maskstream.generate import write_events
from maskstream.query import QueryError, analyst_tables, run_query
from maskstream.records import read_jsonl
from maskstream.tables import added_data_files, load_iceberg, table_ref
from tests.paths import REPO
from udfs.policy.model import load_policy

PAYMENTS_POLICY = REPO / "conf" / "policies" / "payments.yaml"


@dataclass(frozen=True)
class TwoDatasets:
    base: Path
    variables: dict[str, str]
    customers: list[dict]
    payments: list[dict]


def _variables(base: Path) -> dict[str, str]:
    # ${DATASET} keeps each dataset in its own folders, as the shipped profile does.
    return {
        "INPUT_PATH": str(base / "${DATASET}" / "in"),
        "OUTPUT_PATH": str(base / "${DATASET}" / "masked"),
        "QUARANTINE_PATH": str(base / "${DATASET}" / "quarantine"),
        "AUDIT_PATH": str(base / "${DATASET}" / "audit"),
        "LEAKS_PATH": str(base / "${DATASET}" / "leaks"),
        "POLICY_REGISTRY_DIR": str(base / "registry"),
        "ICEBERG_WAREHOUSE_DIR": str(base / "warehouse"),
    }


def _mask(config: JobConfig) -> None:
    from jobs.flink_env import create_table_env
    from jobs.mask_job import build

    t_env = create_table_env(config.flink)
    t_env.execute_sql(build(t_env, config).insert_sql).wait()


@pytest.fixture(scope="module")
def two_datasets(tmp_path_factory: pytest.TempPathFactory) -> TwoDatasets:
    base = tmp_path_factory.mktemp("analyst")
    write_events(400, base / "customers" / "in", seed=5, customers=60)
    write_events(300, base / "payments" / "in", seed=5, customers=60, dataset="payments")
    variables = _variables(base)
    _mask(load_config("local", variables=variables))
    _mask(load_config("local", policy=PAYMENTS_POLICY, variables=variables))
    return TwoDatasets(
        base,
        variables,
        [r for _, r in read_jsonl(sorted((base / "customers" / "in").glob("*.jsonl")))],
        [r for _, r in read_jsonl(sorted((base / "payments" / "in").glob("*.jsonl")))],
    )


def _query(data: TwoDatasets, sql: str) -> list[tuple]:
    return run_query(sql, analyst_tables("local", data.variables))[1]


def test_masked_tables_are_iceberg_partitioned_by_event_date(two_datasets: TwoDatasets) -> None:
    for dataset, rows in (
        ("customers", two_datasets.customers),
        ("payments", two_datasets.payments),
    ):
        policy = PAYMENTS_POLICY if dataset == "payments" else None
        config = load_config("local", policy=policy, variables=two_datasets.variables)
        table = load_iceberg(table_ref(config, "masked"))
        assert table.format_version == 2
        assert [f.name for f in table.spec().fields] == ["dt"]
        files = added_data_files(table)
        assert files and all(p.endswith(".parquet") for p in files)
        folders = {Path(p).parent.name for p in files}
        assert folders == {f"dt={r['event_time'][:10]}" for r in rows}
        # Every snapshot an append by the Flink sink, which records its job and checkpoint, and
        # the job's policy version and token key id (build/iceberg-sink).
        version = str(load_policy(config.policy_path).version)
        for snapshot in table.snapshots():
            summary = snapshot.summary
            assert summary.operation.value == "append"
            assert summary["flink.job-id"] and summary["flink.max-committed-checkpoint-id"]
            assert summary["maskstream.policy-version"] == version
            assert summary["maskstream.token-key-id"] == "k1"


def test_rows_per_day_per_policy_version(two_datasets: TwoDatasets) -> None:
    sql = (REPO / "sql" / "analyst" / "rows_per_day.sql").read_text()
    got = {(ds, str(dt), v): n for ds, dt, v, n in _query(two_datasets, sql)}
    version = {d: load_policy(REPO / "conf" / "policies" / f"{d}.yaml").version
               for d in ("customers", "payments")}  # fmt: skip
    want = Counter(("customers", r["event_time"][:10], version["customers"])
                   for r in two_datasets.customers)  # fmt: skip
    want.update(
        ("payments", r["event_time"][:10], version["payments"]) for r in two_datasets.payments
    )
    assert got == dict(want)
    assert len({k[1] for k in got if k[0] == "payments"}) > 1  # several days of payments


def test_payments_join_customers_on_the_tokenized_id(two_datasets: TwoDatasets) -> None:
    rows = _query(
        two_datasets,
        "SELECT c.id_count, count(*) FROM payments_masked p JOIN "
        "(SELECT customer_id, count(*) AS id_count FROM customers_masked GROUP BY ALL) c "
        "USING (customer_id) GROUP BY ALL",
    )
    events_per_customer = Counter(r["customer_id"] for r in two_datasets.customers)
    want = Counter(
        events_per_customer[p["customer_id"]]
        for p in two_datasets.payments
        if p["customer_id"] in events_per_customer
    )
    assert dict(rows) == dict(want)
    assert sum(want.values()) > 0
    (tokens,) = _query(
        two_datasets, "SELECT count(*) FROM payments_masked WHERE customer_id NOT LIKE 'tok_%'"
    )
    assert tokens == (0,)


def test_query_never_reaches_the_raw_tables(two_datasets: TwoDatasets) -> None:
    tables = analyst_tables("local", two_datasets.variables)
    assert not [t for t in tables if t.name.endswith("_raw")]
    raw_file = next((two_datasets.base / "customers" / "in").glob("*.jsonl"))
    with pytest.raises(QueryError, match=r"[Pp]ermission"):
        run_query(f"SELECT count(*) FROM read_json('{raw_file}')", tables)


def test_query_command_prints_csv(two_datasets: TwoDatasets, capsys: pytest.CaptureFixture) -> None:
    flags = [f"--var={k}={v}" for k, v in two_datasets.variables.items()]
    sql = "SELECT count(*) AS n FROM payments_masked"
    assert main(["query", sql, "--format", "csv", *flags]) == 0
    assert capsys.readouterr().out.splitlines() == ["n", str(len(two_datasets.payments))]
    assert main(["query", "SELECT * FROM nowhere", *flags]) == 2
    assert "Queryable tables: customers_masked" in capsys.readouterr().err


def test_flink_sql_client_answers_like_duckdb(two_datasets: TwoDatasets, tmp_path: Path) -> None:
    query = tmp_path / "q.sql"
    query.write_text(
        "SELECT dt, policy_version, count(*) AS n FROM payments_masked "
        "GROUP BY dt, policy_version;\n"
    )
    flags = [a for k, v in two_datasets.variables.items() for a in ("--var", f"{k}={v}")]
    result = subprocess.run(
        [str(REPO / "scripts" / "sql-client.sh"), *flags, "-f", str(query)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    rows = re.findall(r"^\|\s*(\d{4}-\d\d-\d\d) \|\s*(\d+) \|\s*(\d+) \|$", result.stdout, re.M)
    got = {(dt, int(v)): int(n) for dt, v, n in rows}
    duck = _query(
        two_datasets, "SELECT dt, policy_version, count(*) FROM payments_masked GROUP BY ALL"
    )
    assert got == {(str(dt), v): n for dt, v, n in duck}
    assert sum(got.values()) == len(two_datasets.payments)


def test_sql_init_declares_analyst_tables_only(two_datasets: TwoDatasets) -> None:
    from maskstream.query import flink_init_sql

    text = flink_init_sql("local", two_datasets.variables)
    created = re.findall(r"^CREATE TABLE (\w+)", text, re.M)
    assert sorted(created) == sorted(
        f"{d}_{s}"
        for d in ("customers", "payments")
        for s in ("masked", "audit", "leaks", "quarantine")
    )
    assert "'execution.runtime-mode' = 'batch'" in text
    assert json.dumps(str(two_datasets.base / "payments" / "in"))[1:-1] not in text
