"""Configuration layering: project defaults < environment profile < command-line flags."""

from __future__ import annotations

import pytest

from jobs.config import ConfigError, flatten, load_config
from jobs.table_ddl import table_ddl_file
from tests.paths import REPO


def test_profile_overrides_flink_defaults() -> None:
    config = load_config("local")
    assert config.flink["execution.checkpointing.interval"] == "2s"  # local.yaml
    assert config.flink["execution.checkpointing.mode"] == "EXACTLY_ONCE"  # config.yaml


def test_flags_override_profile() -> None:
    config = load_config(
        "local",
        variables={"OUTPUT_PATH": "/x"},
        flink={"execution.checkpointing.interval": "7s"},
    )
    assert config.flink["execution.checkpointing.interval"] == "7s"
    assert config.variables["OUTPUT_PATH"] == "/x"


def test_relative_paths_resolve_against_the_project() -> None:
    config = load_config("local")
    assert config.variables["INPUT_PATH"] == str(REPO / "data" / "raw" / "customers")
    assert config.policy_path == REPO / "conf" / "policies" / "customers.yaml"


def test_unknown_profile_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"no such environment profile.*'local'"):
        load_config("nope")


def test_flatten_nested_yaml_into_flink_keys() -> None:
    nested = {"execution": {"checkpointing": {"interval": "5s"}}, "a": True, "b": [1, 2]}
    assert flatten(nested) == {"execution.checkpointing.interval": "5s", "a": "true", "b": "1;2"}


def test_each_dataset_gets_its_own_folders_and_topics() -> None:
    payments = REPO / "conf" / "policies" / "payments.yaml"
    local = load_config("local", policy=payments)
    assert local.dataset == "payments"
    assert local.variables["OUTPUT_PATH"] == str(REPO / "data/masked/payments/masked")
    kafka = load_config("kafka", policy=payments, variables={"X_PATH": "/t/${DATASET}/x"})
    assert kafka.variables["RAW_TOPIC"] == "payments.raw"
    assert kafka.variables["TRANSACTIONAL_ID_PREFIX"] == "maskstream-mask-payments"
    assert kafka.variables["X_PATH"] == "/t/payments/x"


def test_policy_without_dataset_fails_naming_the_file(tmp_path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("version: 1\nfields: []\n")
    with pytest.raises(ConfigError, match=r"p.yaml: no `dataset:`"):
        load_config("local", policy=bad)


def test_jar_patterns_expand_and_missing_jars_name_the_fix_when_a_job_starts(tmp_path) -> None:
    from jobs.config import check_jars, resolve_jars

    (tmp_path / "a.jar").write_text("")
    (tmp_path / "b.jar").write_text("")
    urls = resolve_jars(["*.jar"], tmp_path)  # relative to the project's data root
    assert [u.rsplit("/", 1)[1] for u in urls] == ["a.jar", "b.jar"]
    check_jars({"pipeline.jars": ";".join(urls)})
    # Loading a config never fails on missing jars (commands that start no job need none) ...
    missing = resolve_jars([str(tmp_path / "none" / "*.jar")], tmp_path)
    assert missing == [f"file://{tmp_path}/none/*.jar"]
    # ... creating a Flink environment does, naming the jar and the fix.
    with pytest.raises(ConfigError, match=r"none/\*\.jar is missing. Fix: run `make jars`"):
        check_jars({"pipeline.jars": ";".join([*urls, *missing])})


@pytest.mark.parametrize(
    ("env", "suffix", "expected"),
    [
        ("local", "raw", "sql/filesystem/raw.sql"),  # the default reads JSON lines files
        ("local", "masked", "sql/iceberg/masked.sql"),  # ... and writes Iceberg tables
        ("local", "quarantine", "sql/iceberg/quarantine.sql"),
        ("local", "audit", "sql/iceberg/audit.sql"),
        ("parquet", "masked", "sql/filesystem/masked.sql"),
        ("parquet", "leaks", "sql/filesystem/leaks.sql"),
        ("kafka", "raw", "sql/kafka/raw.sql"),
        ("kafka", "masked", "sql/kafka/masked.sql"),  # the topic
        ("kafka", "masked_table", "sql/iceberg/masked.sql"),  # ... and its Iceberg copy
        ("kafka", "quarantine", "sql/iceberg/quarantine.sql"),  # sql_fallback
        ("compose", "audit", "sql/iceberg/audit.sql"),
    ],
)
def test_each_profile_finds_its_tables(env: str, suffix: str, expected: str) -> None:
    assert table_ddl_file(load_config(env), suffix) == REPO / expected


@pytest.mark.parametrize("env", ["local", "parquet"])
def test_a_profile_whose_masked_table_is_its_own_keeps_no_copy(env: str) -> None:
    assert table_ddl_file(load_config(env), "masked_table") is None


def test_the_topic_copy_is_the_iceberg_masked_table_under_its_own_flink_name() -> None:
    from jobs.table_ddl import ddl_statements

    config = load_config("kafka")
    ddl = table_ddl_file(config, "masked_table")
    variables = {**config.sql_variables(), "DATASET": "customers"}
    (copy,) = ddl_statements(ddl, "masked_table", variables)
    (table,) = ddl_statements(ddl, "masked", variables)
    assert copy.text.startswith("CREATE TABLE `customers_masked_table`")
    assert table.text.startswith("CREATE TABLE customers_masked (")
    assert copy.text.split("(", 1)[1] == table.text.split("(", 1)[1]


def test_job_placeholders_are_empty_for_readers_and_given_by_the_job() -> None:
    config = load_config("local")
    assert "JOB_TOKEN_KEY_ID" not in config.variables  # not a setting
    assert config.sql_variables()["JOB_TOKEN_KEY_ID"] == ""
    job = {"JOB_POLICY_VERSION": "3", "JOB_TOKEN_KEY_ID": "k2"}
    assert config.sql_variables(job)["JOB_TOKEN_KEY_ID"] == "k2"


def test_output_flag_moves_the_iceberg_warehouse_and_its_catalog(tmp_path) -> None:
    from maskstream.cli import _variables, build_parser

    args = build_parser().parse_args(["run", "mask", "--output", str(tmp_path / "w")])
    config = load_config("local", variables=_variables(args))
    assert config.variables["ICEBERG_WAREHOUSE"] == f"file://{tmp_path / 'w'}"
    assert config.variables["ICEBERG_CATALOG_URI"] == f"jdbc:sqlite:{tmp_path / 'w'}/catalog.db"


def test_raw_input_and_masked_output_live_in_separate_trees_under_one_data_dir() -> None:
    default = load_config("local").variables
    moved = load_config("local", variables={"DATA_DIR": "/srv/ms"}).variables
    assert default["INPUT_PATH"] == str(REPO / "data/raw/customers")
    for name in ("ICEBERG_WAREHOUSE_DIR", "OUTPUT_PATH", "QUARANTINE_PATH", "AUDIT_PATH"):
        assert default[name].startswith(str(REPO / "data/masked/")), name
    for name in ("CHECKPOINT_DIR", "POLICY_REGISTRY_DIR"):
        assert default[name].startswith(str(REPO / "data/state/")), name
    # `make run` moves every tree at once with --var DATA_DIR=data/demo; nothing stays behind.
    assert all(
        moved[k].startswith("/srv/ms/")
        for k in moved
        if k.endswith(("_PATH", "_DIR"))
        if k != "DATA_DIR"
    )
    assert moved["ICEBERG_CATALOG_URI"] == "jdbc:sqlite:/srv/ms/masked/warehouse/catalog.db"
