"""Layered configuration: conf/maskstream.yaml, overridden by the environment profile
conf/env/<env>.yaml, overridden by command-line flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from jobs.project import Project, find_project
from udfs.yaml_files import YamlFileError, read_yaml

DEFAULT_ENV = "local"
# Tables whose columns the job derives from the policy (jobs/tables.py); the others have theirs
# in sql/schema/<suffix>.sql.
DERIVED_SCHEMAS = ("masked", "quarantine")


class ConfigError(Exception):
    """A configuration file or flag that cannot be used; names the file, the key and the fix."""


# Placeholders a job fills at start-up, not settings, with what readers of a DDL see: the mask
# job's policy version and active token key id, which every Iceberg snapshot it commits carries
# in its summary, and the input files it reads (jobs/input_files.py).
JOB_PLACEHOLDERS = {"JOB_POLICY_VERSION": "", "JOB_TOKEN_KEY_ID": "", "INPUT_FILES_PATTERN": ".*"}
# Where a job restores its state from (a savepoint or a retained checkpoint).
RESTORE_PATH = "execution.state-recovery.path"


@dataclass
class JobConfig:
    """Everything a job needs to be built, after layering."""

    env: str
    policy_path: Path
    sql_dir: Path
    # Where a table the profile's own folder lacks is looked up, in order (`sql_fallback`).
    sql_fallback: tuple[Path, ...] = ()
    variables: dict[str, str] = field(default_factory=dict)
    flink: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    project: Project = field(default_factory=find_project)

    @property
    def dataset(self) -> str:
        return self.variables["DATASET"]

    def ddl_file(self, suffix: str, dataset: str | None = None) -> Path | None:
        """The DDL of table <dataset>_<suffix>: the profile's own (`sql_dir`), else the first of
        its `sql_fallback` folders that has one (the Iceberg tables of the kafka profile), else
        the filesystem one (the raw files of the default profile). In each folder a file for
        the one table (<dataset>_<suffix>.sql) wins over the profile's template for every
        dataset (<suffix>.sql, tables named ${DATASET}_<suffix>)."""
        dataset = dataset or self.dataset
        folders = (self.sql_dir, *self.sql_fallback, self.project.sql_dir / "filesystem")
        for folder in dict.fromkeys(folders):
            for name in (f"{dataset}_{suffix}.sql", f"{suffix}.sql"):
                if (folder / name).exists():
                    return folder / name
        return None

    def copy_ddl_file(self, suffix: str, dataset: str | None = None) -> Path | None:
        """The DDL of a copy of table <dataset>_<suffix>: where the profile's own folder defines
        the table (the masked topic of the kafka profile) and a `sql_fallback` folder defines it
        too, the fallback's definition is a second table the job writes the same rows to (the
        Iceberg copy of the topic). None when the profile keeps no copy."""
        dataset = dataset or self.dataset
        names = (f"{dataset}_{suffix}.sql", f"{suffix}.sql")
        if not any((self.sql_dir / name).exists() for name in names):
            return None
        for folder in dict.fromkeys(f for f in self.sql_fallback if f != self.sql_dir):
            for name in names:
                if (folder / name).exists():
                    return folder / name
        return None

    def sql_variables(self, job: dict[str, str] | None = None) -> dict[str, str]:
        """The placeholders of the profile's SQL files: the profile's variables, and the values
        a job sets at start-up (JOB_PLACEHOLDERS), their defaults unless `job` gives them.
        Readers of a DDL want only its table options."""
        return {**JOB_PLACEHOLDERS, **self.variables, **(job or {})}

    def schema_file(self, suffix: str) -> Path | None:
        """The column schema shared by every dataset's <suffix> table (sql/schema/<suffix>.sql),
        for tables whose columns are not derived from the policy."""
        path = self.project.sql_dir / "schema" / f"{suffix}.sql"
        return path if suffix not in DERIVED_SCHEMAS and path.exists() else None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = read_yaml(path) or {}
    except YamlFileError as e:
        raise ConfigError(f"{path}: {e}") from None
    if not isinstance(doc, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values")
    return doc


def flatten(doc: dict[str, Any], prefix: str = "") -> dict[str, str]:
    """Flatten nested YAML into Flink's dotted keys, values as strings."""
    flat: dict[str, str] = {}
    for key, value in doc.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, name + "."))
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, list):
            flat[name] = ";".join(str(v) for v in value)
        else:
            flat[name] = str(value)
    return flat


def read_flink_config(path: Path) -> dict[str, str]:
    """Read a Flink config.yaml (flat or nested keys) into dotted key/value strings."""
    return flatten(_read_yaml(path))


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def variable_value(name: str, value: str, base: Path) -> str:
    """A ${VAR} value as jobs see it: names ending in _PATH or _DIR are paths, made absolute
    against `base` (the project for config files, the current folder for --var)."""
    return _absolute(value, base) if name.endswith(("_PATH", "_DIR")) else value


def _absolute(value: str, base: Path) -> str:
    if "://" in value:
        return value
    return str((base / value).resolve()) if not Path(value).is_absolute() else value


KNOWN_KEYS = {
    "policy",
    "sql_dir",
    "sql_fallback",
    "flink_config",
    "vars",
    "flink",
    "jars",
    "description",
}
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(value: str, variables: dict[str, str], where: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise ConfigError(f"{where}: no value for ${{{name}}}. Fix: define it under `vars:`")
        return variables[name]

    return _PLACEHOLDER.sub(one, value)


def resolve_jars(jars: list[str], base: Path) -> list[str]:
    """File URLs of the jars a profile names (`lib/*.jar` patterns allowed), relative to `base`.
    A pattern that matches nothing stays in the list as it is: check_jars fails on it when a
    Flink environment is created, so commands that start no job work without `make jars`."""
    urls = []
    for jar in jars:
        pattern = Path(jar) if Path(jar).is_absolute() else base / jar
        found = sorted(pattern.parent.glob(pattern.name)) if "*" in pattern.name else [pattern]
        found = [p for p in found if p.is_file()]
        if found:
            urls.extend(p.resolve().as_uri() for p in found)
        else:
            urls.append(f"file://{pattern}")
    return urls


def check_jars(flink_conf: dict[str, str]) -> None:
    """Every `pipeline.jars` entry must be a file that exists; names the missing one and the fix."""
    for url in filter(None, flink_conf.get("pipeline.jars", "").split(";")):
        path = Path(unquote(url.removeprefix("file://"))) if url.startswith("file://") else None
        if path is not None and not path.is_file():
            raise ConfigError(
                f"pipeline.jars: {path} is missing. Fix: run `make jars` (resolves "
                "build/jars/pom.xml into lib/), or correct `jars:` in conf/maskstream.yaml or "
                "the environment profile"
            )


def _policy_dataset(policy_path: Path) -> str:
    """The `dataset:` of a policy file, read without validating it (the job validates it)."""
    try:
        doc = read_yaml(policy_path)
    except YamlFileError as e:
        raise ConfigError(
            f"{policy_path}: cannot read the policy: {e}; `policy:` or --policy names a policy "
            "file, e.g. under conf/policies/"
        ) from None
    dataset = doc.get("dataset") if isinstance(doc, dict) else None
    if not isinstance(dataset, str) or not dataset:
        raise ConfigError(f"{policy_path}: no `dataset:`. Fix: name the dataset, e.g. customers")
    return dataset


def load_config(
    env: str = DEFAULT_ENV,
    *,
    policy: str | Path | None = None,
    variables: dict[str, str] | None = None,
    flink: dict[str, str] | None = None,
) -> JobConfig:
    """Layer project defaults, the `env` profile and explicit overrides (CLI flags)."""
    project = find_project()
    base_path = project.conf_dir / "maskstream.yaml"
    env_path = project.conf_dir / "env" / f"{env}.yaml"
    if not env_path.exists():
        known = sorted(p.stem for p in (project.conf_dir / "env").glob("*.yaml"))
        raise ConfigError(f"{env_path}: no such environment profile. Fix: use one of {known}")
    layers = [(base_path, _read_yaml(base_path)), (env_path, _read_yaml(env_path))]
    doc: dict[str, Any] = {}
    for path, layer in layers:
        unknown = sorted(set(layer) - KNOWN_KEYS)
        if unknown:
            raise ConfigError(
                f"{path}: unknown key(s) {unknown}. Fix: use only {sorted(KNOWN_KEYS)}"
            )
        doc = _merge(doc, layer)
    policy_path = Path(policy) if policy else project.root / str(doc.get("policy", ""))
    # ${DATASET} (the policy's dataset) may appear in var values, so each dataset gets its own
    # folders and topics from the same profile.
    builtin = {"DATASET": _policy_dataset(policy_path)}
    # Paths in config files are relative to the project; paths given on the command line were
    # already made absolute by the caller.
    # A var may name vars listed before it (${ICEBERG_WAREHOUSE_DIR} in the catalog URI); an
    # override counts wherever it is named, so moving the warehouse moves its catalog too.
    overrides = {k: _fill(v, builtin, f"variable {k}") for k, v in (variables or {}).items()}
    file_vars = {**builtin, **overrides}
    for k, v in (doc.get("vars") or {}).items():
        if str(k) in overrides:
            continue
        value = _fill(str(v), file_vars, f"{base_path} vars.{k}")
        file_vars[str(k)] = variable_value(str(k), value, project.data_root)
    flink_conf = read_flink_config(project.root / doc.get("flink_config", "conf/config.yaml"))
    flink_conf.update(flatten(doc.get("flink") or {}))
    flink_conf.update(flink or {})
    flink_conf = {k: _fill(v, file_vars, f"{env_path} flink.{k}") for k, v in flink_conf.items()}
    jars = doc.get("jars") or []
    if jars:
        urls = resolve_jars([str(j) for j in jars], project.data_root)
        flink_conf["pipeline.jars"] = ";".join(urls)
    return JobConfig(
        env=env,
        policy_path=policy_path,
        sql_dir=project.root / str(doc.get("sql_dir", "sql/filesystem")),
        sql_fallback=tuple(project.root / str(d) for d in doc.get("sql_fallback") or ()),
        variables=file_vars,
        flink=flink_conf,
        sources=[str(p) for p, _ in layers],
        project=project,
    )


def parse_pairs(pairs: list[str], flag: str) -> dict[str, str]:
    """KEY=VALUE command-line arguments (-D, --var) as a mapping; fails naming the flag."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                f"{flag} {pair!r}: expected KEY=VALUE, e.g. {flag} parallelism.default=2"
            )
        out[key.strip()] = value.strip()
    return out


def config_from_job_args(prog: str, description: str | None, argv: list[str] | None) -> JobConfig:
    """The command line every job entry point takes (`flink run -py jobs/<job>.py -- ...`)."""
    import argparse

    parser = argparse.ArgumentParser(prog=prog, description=description)
    parser.add_argument("--env", default=DEFAULT_ENV)
    parser.add_argument("--policy")
    parser.add_argument("--var", action="append", default=[], help="KEY=VALUE for ${KEY} in sql/")
    args = parser.parse_args(argv)
    return load_config(args.env, policy=args.policy, variables=parse_pairs(args.var, "--var"))
