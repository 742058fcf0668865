"""The benchmark suite's SQL (sql/bench/) and row-at-a-time UDFs (bench/row_udfs.py), checked
without a JVM: the files load, the native-SQL and row-UDF INSERTs produce every column of the
masked table, the JSON source follows the policy, and the row UDFs give the vectorized
operators' results where their semantics are meant to be identical."""

from __future__ import annotations

import importlib.util
import re
import sys
from types import ModuleType
from typing import Any

import pytest

from jobs.config import JobConfig
from jobs.sql_files import load_sql_file, strip_comments
from jobs.tables import table_parts
from tests.paths import REPO
from tests.unit.udfs.operators.op_cases import run_op
from udfs.crypto.keys import load_keyring
from udfs.policy.model import METADATA_COLUMNS, load_policy
from udfs.sql_types import parse_sql_type

BENCH_SQL = REPO / "sql" / "bench"
POLICY_FILE = REPO / "conf" / "policies" / "customers.yaml"
POLICY = load_policy(POLICY_FILE)
VARIABLES = {
    "INPUT_PATH": "/in",
    "COPY_PATH": "/copy",
    "BENCH_MASKED_PATH": "/out",
    "TOKEN_KEY_ID": "k1",
    "POLICY_VERSION": "1",
}
MASK_INSERTS = ("customers_native_mask.sql", "customers_row_mask.sql")


def _row_udfs() -> ModuleType:
    # Imported as the suite imports it: the top-level module `row_udfs`.
    if "row_udfs" not in sys.modules:
        spec = importlib.util.spec_from_file_location("row_udfs", REPO / "bench" / "row_udfs.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules["row_udfs"] = module
        spec.loader.exec_module(module)
    return sys.modules["row_udfs"]


def _columns(ddl: str) -> list[tuple[str, str]]:
    """(name, type) of the physical columns of a CREATE TABLE, one column per line."""
    found = re.findall(r"^\s*`(\w+)`\s+([A-Z]+(?:\(\d+,\s*\d+\)|\(\d+\))?)", ddl, re.MULTILINE)
    return [(n, t) for n, t in found if t not in ("AS",)]


def _masked_table_columns() -> list[str]:
    """The masked table's columns, as the local profile defines it: its column schema, then
    its partition columns, if any."""
    config = JobConfig(
        "local", POLICY_FILE, REPO / "sql" / "filesystem", variables={"OUTPUT_PATH": "/out"}
    )
    *schemas, ddl = table_parts(config, POLICY, "masked")
    names = [n for part in schemas for s in part.statements for n, _ in _columns(s.text)]
    ddl_text = " ".join(s.text for s in ddl.statements)
    partition = re.search(r"PARTITIONED\s+BY\s*\(([^)]*)\)", ddl_text, re.IGNORECASE)
    if partition:
        names += [p.strip().strip("`") for p in partition.group(1).split(",")]
    return names


def _select_items(sql: str, depth: int) -> list[str]:
    """The items of the first SELECT at parenthesis depth `depth` (0: the outermost), split
    on the commas of that depth; quotes (' and `) are skipped."""
    items: list[str] = []
    level, quote, start, current = 0, "", None, []
    i = 0
    while i < len(sql):
        c = sql[i]
        if quote:
            quote = "" if c == quote else quote
        elif c in "'`":
            quote = c
        elif c == "(":
            level += 1
        elif c == ")":
            level -= 1
        elif (
            level == depth
            and re.match(r"(?i)\b(SELECT|FROM)\b", sql[i:])
            and (i == 0 or not (sql[i - 1].isalnum() or sql[i - 1] == "_"))
        ):
            word = sql[i : i + 6].upper()
            if word == "SELECT" and start is None:
                start = i = i + 6
                current = []
                continue
            if word.startswith("FROM") and start is not None:
                items.append("".join(current))
                return [item.strip() for item in items]
        if start is not None:
            if c == "," and level == depth and not quote:
                items.append("".join(current))
                current = []
            else:
                current.append(c)
        i += 1
    raise AssertionError(f"no SELECT ... FROM at depth {depth}")


def _item_name(item: str) -> str:
    alias = re.search(r"\bAS\s+`?(\w+)`?$", item, re.IGNORECASE)
    if alias:
        return alias.group(1)
    assert re.fullmatch(r"(`?\w+`?\.)?`?\w+`?", item), f"select item without a name: {item}"
    return item.rsplit(".", maxsplit=1)[-1].strip("`")


@pytest.mark.parametrize("path", sorted(BENCH_SQL.glob("*.sql")), ids=lambda p: p.name)
def test_bench_sql_files_load(path: Any) -> None:
    statements = load_sql_file(path, VARIABLES)
    assert statements
    assert all("${" not in s.text for s in statements)


@pytest.mark.parametrize("name", MASK_INSERTS)
def test_mask_inserts_produce_every_masked_column(name: str) -> None:
    (statement,) = load_sql_file(BENCH_SQL / name, VARIABLES)
    target = re.match(r"INSERT\s+INTO\s+\w+\s*\((.*?)\)\s*SELECT\b", statement.text, re.DOTALL)
    assert target, "the INSERT names its target columns"
    listed = [c.strip().strip("`") for c in target.group(1).split(",")]
    expected = _masked_table_columns()
    assert listed == expected
    outer = [_item_name(i) for i in _select_items(statement.text, 0)]
    assert outer == expected  # one select item per column, in order
    inner = [_item_name(i) for i in _select_items(statement.text, 1)]
    policy_fields = [f.name for f in POLICY.fields]
    computed = [c for c in METADATA_COLUMNS if c != "row_digest"]
    assert inner == policy_fields + computed


def test_masked_schema_is_the_policy_plus_metadata() -> None:
    # What the INSERTs are compared with is what the mask job checks its sink against.
    expected = [f.name for f in POLICY.fields] + list(METADATA_COLUMNS)
    assert _masked_table_columns()[: len(expected)] == expected


def test_json_source_follows_the_policy_input_types() -> None:
    ddl = strip_comments((BENCH_SQL / "customers_json.sql").read_text())
    declared = [(n, parse_sql_type(t)) for n, t in _columns(ddl) if n != "file_path"]
    assert declared == [(f.name, f.input_type) for f in POLICY.fields]


def test_row_mask_calls_one_function_per_masked_field() -> None:
    (statement,) = load_sql_file(BENCH_SQL / "customers_row_mask.sql", VARIABLES)
    inner = _select_items(statement.text, 1)
    known = set(_row_udfs().functions())
    for field in POLICY.masked:
        (item,) = [i for i in inner if _item_name(i) == field.name]
        call = re.match(r"(\w+)\(", item)
        assert call and call.group(1) in known, f"{field.name} is not masked by a row UDF"


VALUES = [
    "C00012345",
    "123-45-6789",
    "4111 1111 1111 1111",
    "(555) 201-1234 x89",
    "Jane.Roe@Example.com",
    "Émilie Zoë",
    "東京😀",
    "abc",
    "",
    None,
]


# An obviously fake key: the row UDFs read theirs from the environment, as workers do.
FAKE_KEY = "bench-test-key-0123456789abcdef-not-secret"


@pytest.fixture(autouse=True)
def _worker_key(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MASKSTREAM_TOKEN_KEY_FILE", "MASKSTREAM_KEYSET_FILE", "MASKSTREAM_TOKEN_KEY_ID"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("MASKSTREAM_TOKEN_KEY", FAKE_KEY)


def _open(function: Any) -> Any:
    function.open(None)  # reads the key ring the way a worker does: from the environment
    return function


def test_row_tokenize_equals_the_operator() -> None:
    row = _open(_row_udfs().Tokenize())
    keys = load_keyring()  # the fake key of _worker_key
    assert [row.eval(v) for v in VALUES] == run_op("tokenize", VALUES, keys=keys)
    assert [row.eval(v, 8, "d", True) for v in VALUES] == run_op(
        "tokenize", VALUES, {"length": 8, "domain": "d", "lowercase": True}, keys=keys
    )


@pytest.mark.parametrize(
    ("args", "params"),
    [
        ((2,), {"n": 2}),
        ((4, "X", "x", "*"), {"n": 4, "digit": "*"}),
        (
            (0, "U", "keep", "#", "?"),
            {"n": 0, "upper": "U", "lower": "keep", "digit": "#", "other": "?"},
        ),
    ],
)
def test_row_mask_show_last_equals_the_operator(args: tuple, params: dict[str, Any]) -> None:
    row = _row_udfs().mask_show_last
    assert [row(v, *args) for v in VALUES] == run_op("mask_show_last", VALUES, params)


def test_row_hash_equals_the_operator() -> None:
    row = _row_udfs().hash_value
    assert [row(v) for v in VALUES] == run_op("hash", VALUES, {"algorithm": "sha256"})
    assert [row(v, "sha512", "s") for v in VALUES] == run_op(
        "hash", VALUES, {"algorithm": "sha512", "salt": "s"}
    )


def test_row_redact_equals_the_operator() -> None:
    row = _row_udfs().redact
    assert [row(v, "[NAME]") for v in VALUES] == run_op("redact", VALUES, {"value": "[NAME]"})
    assert [row(v) for v in VALUES] == run_op("redact", VALUES)
