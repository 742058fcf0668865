"""The .sql loader: comments, placeholders, `;` splitting, SET and statement sets."""

from __future__ import annotations

from pathlib import Path

import pytest

from jobs.config import load_config
from jobs.sql_files import SqlFileError, load_sql_file, split_statements, strip_comments
from tests.paths import REPO

COMMENT_CASES = [
    # Line comments go; the newline stays so line numbers hold.
    pytest.param("SELECT 1 -- one\nFROM t", "SELECT 1 \nFROM t", id="line-comment"),
    # Block comments go but keep their newlines.
    pytest.param("SELECT /* a\nb */ 1", "SELECT \n 1", id="block-comment"),
    # Comment markers inside string literals are data.
    pytest.param("SELECT '--x', '/*y*/'", "SELECT '--x', '/*y*/'", id="in-string"),
    # Doubled quotes are escaped quotes, not the end of the literal.
    pytest.param("SELECT 'it''s -- fine'", "SELECT 'it''s -- fine'", id="escaped-quote"),
    # Backticked names may hold dashes.
    pytest.param("SELECT `a--b` FROM t", "SELECT `a--b` FROM t", id="backticks"),
]


@pytest.mark.parametrize(("text", "expected"), COMMENT_CASES)
def test_strip_comments(text: str, expected: str) -> None:
    assert strip_comments(text) == expected


def test_split_on_semicolons_outside_quotes() -> None:
    parts = split_statements("CREATE TABLE a (x STRING);\nINSERT INTO a VALUES ('x;y');\n")
    assert [p for p, _ in parts] == ["CREATE TABLE a (x STRING)", "INSERT INTO a VALUES ('x;y')"]
    assert [line for _, line in parts] == [1, 2]


def test_statement_set_stays_whole() -> None:
    text = (
        "EXECUTE STATEMENT SET BEGIN\n"
        "INSERT INTO a SELECT * FROM b;\n"
        "INSERT INTO c SELECT * FROM b;\n"
        "END;\n"
        "SELECT 1;"
    )
    parts = [p for p, _ in split_statements(text)]
    assert len(parts) == 2
    assert parts[0].startswith("EXECUTE STATEMENT SET BEGIN") and parts[0].endswith("END")
    assert parts[0].count("INSERT") == 2


def test_set_statements_are_parsed(tmp_path: Path) -> None:
    f = tmp_path / "s.sql"
    f.write_text("SET 'parallelism.default' = '2';\nSELECT 1;")
    statements = load_sql_file(f)
    assert (statements[0].set_key, statements[0].set_value) == ("parallelism.default", "2")
    assert statements[1].set_key is None


def test_placeholders_are_filled_and_quotes_escaped(tmp_path: Path) -> None:
    f = tmp_path / "t.sql"
    f.write_text("CREATE TABLE t (x STRING) WITH ('path' = '${INPUT_PATH}');")
    (statement,) = load_sql_file(f, {"INPUT_PATH": "/data/it's"})
    assert "'path' = '/data/it''s'" in statement.text


def test_missing_placeholder_names_file_variable_and_fix(tmp_path: Path) -> None:
    f = tmp_path / "t.sql"
    f.write_text("CREATE TABLE t (x STRING) WITH ('path' = '${NOPE}');")
    with pytest.raises(SqlFileError, match=r"t\.sql: no value for placeholder\(s\) NOPE.*vars"):
        load_sql_file(f, {})


@pytest.mark.parametrize("env", ["local", "kafka"])
def test_shipped_ddl_files_load_with_their_profile_vars(env: str) -> None:
    config = load_config(env) if env == "local" else _kafka_config()
    for path in sorted(config.sql_dir.glob("*.sql")):
        statements = load_sql_file(path, config.sql_variables())
        assert statements, path
        assert all("${" not in s.text for s in statements)


def _kafka_config():  # type: ignore[no-untyped-def]
    # The kafka profile needs the connector jar only to run, not to load its DDL.
    from unittest import mock

    with mock.patch("jobs.config.resolve_jars", return_value=[]):
        return load_config("kafka")


def test_benchmark_ddl_loads() -> None:
    assert load_sql_file(REPO / "sql/bench/customers_copy.sql", {"COPY_PATH": "/c"})


def test_table_options_read_the_with_clause(tmp_path: Path) -> None:
    from jobs.sql_files import table_options

    f = tmp_path / "t.sql"
    f.write_text(
        "CREATE TABLE t (`x` STRING) PARTITIONED BY (x) WITH (\n"
        "  'connector' = 'filesystem', 'path' = '${P}',\n  'format' = 'parquet'\n)"
        " LIKE s (EXCLUDING OPTIONS);"
    )
    (statement,) = load_sql_file(f, {"P": "/data/it's"})
    assert table_options(statement) == {
        "connector": "filesystem",
        "path": "/data/it's",
        "format": "parquet",
    }


@pytest.mark.parametrize("policy", ["customers", "payments"])
def test_every_dataset_has_its_tables_in_every_profile(policy: str) -> None:
    for env in ("local", "kafka", "compose"):
        config = load_config(env, policy=REPO / "conf" / "policies" / f"{policy}.yaml")
        for suffix in ("raw", "masked", "quarantine", "audit", "leaks"):
            assert config.ddl_file(suffix) is not None, (env, suffix)


def test_renamed_creates_the_other_table_and_names_a_missing_one() -> None:
    from jobs.sql_files import Statement, renamed

    statements = [Statement("SET 'a' = 'b'", 1, "a", "b"), Statement("CREATE TABLE t_x (a INT)", 2)]
    out = renamed(statements, "t_x", "t_y", "f.sql")
    assert out[1].text == "CREATE TABLE `t_y` (a INT)" and out[0] == statements[0]
    with pytest.raises(SqlFileError, match=r"f\.sql: no CREATE TABLE `t_z`"):
        renamed(statements, "t_z", "t_y", "f.sql")
