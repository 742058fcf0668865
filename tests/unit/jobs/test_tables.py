"""Table definitions: the masked and quarantine columns are derived from the policy and the
metadata columns, defined once (udfs/policy/sink.py); no per-dataset DDL is written by hand."""

from __future__ import annotations

import re

import pytest

from jobs.config import JobConfig
from jobs.mask_projection import compile_insert
from jobs.tables import derived_schema, schema_ddl, table_parts
from tests.paths import REPO
from udfs.policy.model import load_policy
from udfs.policy.sink import (
    METADATA_COLUMNS,
    QUARANTINE_COLUMNS,
    Column,
    masked_columns,
)
from udfs.sql_types import SqlType, parse_sql_type

POLICIES = sorted((REPO / "conf" / "policies").glob("*.yaml"))
COLUMN = re.compile(r"^\s*`(\w+)`\s+(\w+(?:\(\d+(?:,\s*\d+)?\))?)", re.MULTILINE)


def _columns(ddl: str) -> list[tuple[str, SqlType]]:
    return [(n, parse_sql_type(t)) for n, t in COLUMN.findall(ddl)]


def _config(sql_dir: str = "filesystem") -> JobConfig:
    variables = {
        "INPUT_PATH": "/in", "OUTPUT_PATH": "/out", "QUARANTINE_PATH": "/q",
        "AUDIT_PATH": "/a", "LEAKS_PATH": "/l",
    }  # fmt: skip
    return JobConfig("local", POLICIES[0], REPO / "sql" / sql_dir, variables=variables)


def test_no_hand_written_per_dataset_schema_is_left() -> None:
    assert sorted(p.name for p in (REPO / "sql" / "schema").glob("*.sql")) == [
        "audit.sql",
        "leaks.sql",
        "raw.sql",
    ]


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_masked_schema_is_every_field_as_masked_then_the_metadata(path) -> None:
    policy = load_policy(path)
    ddl = derived_schema(policy, "masked")
    assert ddl is not None and f"`{policy.dataset}_masked_schema`" in ddl
    expected = [(f.name, f.output_type) for f in policy.fields]
    expected += [(c.name, c.type) for c in masked_columns(policy)[len(policy.fields) :]]
    assert _columns(ddl) == expected
    assert [n for n, _ in _columns(ddl)][-len(METADATA_COLUMNS) :] == list(METADATA_COLUMNS)


def test_quarantine_schema_is_the_one_column_list() -> None:
    policy = load_policy(POLICIES[0])
    ddl = derived_schema(policy, "quarantine")
    assert ddl is not None
    assert _columns(ddl) == [(c.name, c.type) for c in QUARANTINE_COLUMNS]


@pytest.mark.parametrize("path", POLICIES, ids=lambda p: p.stem)
def test_the_inserts_fill_the_derived_columns_in_order(path) -> None:
    policy = load_policy(path)
    masked_sql, quarantine_sql = compile_insert(policy).split(";\n")[:2]
    aliases = re.findall(r" AS `(\w+)`,?(?:  --.*)?$", masked_sql, re.MULTILINE)
    assert aliases == [c.name for c in masked_columns(policy)]
    select = quarantine_sql.split("SELECT ", 1)[1].split("\nFROM", 1)[0]
    assert len(select.split(", ")) == len(QUARANTINE_COLUMNS)
    assert "`m`.`_payload_digest`" in select and f"'{policy.dataset}'" in select


def test_comments_are_quoted_so_no_rule_can_end_the_literal() -> None:
    ddl = schema_ddl("t", [Column("a", SqlType("STRING"), "it's redact(value='x')")], "purpose")
    assert "COMMENT 'it''s redact(value=''x'')'" in ddl


@pytest.mark.parametrize(
    ("suffix", "first"),
    [
        ("masked", "derived from"),
        ("quarantine", "derived from"),
        ("raw", "sql/schema/raw.sql"),
        ("audit", "sql/schema/audit.sql"),
    ],
)
def test_a_table_is_its_schema_then_the_profiles_ddl(suffix: str, first: str) -> None:
    policy = load_policy(POLICIES[0])
    schema, ddl = table_parts(_config(), policy, suffix)
    assert first in schema.origin
    assert ddl.path == REPO / "sql" / "filesystem" / f"{suffix}.sql"
    (create,) = [s for s in ddl.statements if s.set_key is None]
    assert f"CREATE TABLE {policy.dataset}_{suffix}" in create.text
