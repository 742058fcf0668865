"""Layered configuration: conf/maskstream.yaml, overridden by the environment profile
conf/env/<env>.yaml, overridden by command-line flags."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

PROJECT_DIR = Path(__file__).resolve().parent.parent
CONF_DIR = PROJECT_DIR / "conf"
DEFAULT_ENV = "local"


class ConfigError(Exception):
    """A configuration file or flag that cannot be used; names the file, the key and the fix."""


@dataclass
class JobConfig:
    """Everything a job needs to be built, after layering."""

    env: str
    policy_path: Path
    sql_dir: Path
    variables: dict[str, str] = field(default_factory=dict)
    flink: dict[str, str] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)

    @property
    def dataset(self) -> str:
        return self.variables["DATASET"]

    def ddl_file(self, suffix: str, dataset: str | None = None) -> Path | None:
        """The DDL of table <dataset>_<suffix>: the profile's own (sql/<profile>/), else the
        filesystem one (quarantine, audit and leaks tables are files in every profile). In each
        folder a file for the one table (<dataset>_<suffix>.sql) wins over the profile's
        template for every dataset (<suffix>.sql, tables named ${DATASET}_<suffix>)."""
        dataset = dataset or self.dataset
        for folder in (self.sql_dir, PROJECT_DIR / "sql" / "filesystem"):
            for name in (f"{dataset}_{suffix}.sql", f"{suffix}.sql"):
                if (folder / name).exists():
                    return folder / name
        return None

    def table_files(self, suffix: str, dataset: str | None = None) -> list[Path]:
        """The .sql files that define table <dataset>_<suffix>, in the order to run them: its
        column schema when it has one (sql/schema/<dataset>_<suffix>.sql or, shared by every
        dataset, sql/schema/<suffix>.sql), then its DDL (see ddl_file)."""
        dataset = dataset or self.dataset
        schema_dir = PROJECT_DIR / "sql" / "schema"
        schemas = [schema_dir / f"{dataset}_{suffix}.sql", schema_dir / f"{suffix}.sql"]
        files = [next(p for p in schemas if p.exists())] if any(p.exists() for p in schemas) else []
        ddl = self.ddl_file(suffix, dataset)
        return files + ([ddl] if ddl else [])


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except yaml.YAMLError:
        raise ConfigError(f"{path}: not valid YAML. Fix: check indentation and quoting") from None
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


KNOWN_KEYS = {"policy", "sql_dir", "flink_config", "vars", "flink", "jars", "description"}
_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def _fill(value: str, variables: dict[str, str], where: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in variables:
            raise ConfigError(f"{where}: no value for ${{{name}}}. Fix: define it under `vars:`")
        return variables[name]

    return _PLACEHOLDER.sub(one, value)


def resolve_jars(jars: list[str], where: str) -> list[str]:
    """Absolute file URLs of the jars a profile needs (`lib/*.jar` patterns allowed); fail fast
    if one is missing."""
    urls = []
    for jar in jars:
        pattern = Path(jar) if Path(jar).is_absolute() else PROJECT_DIR / jar
        found = sorted(pattern.parent.glob(pattern.name)) if "*" in pattern.name else [pattern]
        found = [p for p in found if p.is_file()]
        if not found:
            raise ConfigError(
                f"{where}: jars: {jar} is missing. Fix: run `make jars` "
                "(resolves build/jars/pom.xml into lib/)"
            )
        urls.extend(p.resolve().as_uri() for p in found)
    return urls


def _policy_dataset(policy_path: Path) -> str:
    """The `dataset:` of a policy file, read without validating it (the job validates it)."""
    try:
        doc = yaml.safe_load(policy_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(
            f"{policy_path}: cannot read the policy ({type(exc).__name__}). Fix: point `policy:` "
            "or --policy at a policy file under conf/policies/"
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
    base_path = CONF_DIR / "maskstream.yaml"
    env_path = CONF_DIR / "env" / f"{env}.yaml"
    if not env_path.exists():
        known = sorted(p.stem for p in (CONF_DIR / "env").glob("*.yaml"))
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
    policy_path = Path(policy) if policy else PROJECT_DIR / str(doc.get("policy", ""))
    # ${DATASET} (the policy's dataset) may appear in var values, so each dataset gets its own
    # folders and topics from the same profile.
    builtin = {"DATASET": _policy_dataset(policy_path)}
    # Paths in config files are relative to the project; paths given on the command line were
    # already made absolute by the caller.
    file_vars = dict(builtin)
    for k, v in (doc.get("vars") or {}).items():
        value = _fill(str(v), builtin, f"{base_path} vars.{k}")
        file_vars[str(k)] = variable_value(str(k), value, PROJECT_DIR)
    file_vars.update({k: _fill(v, builtin, f"variable {k}") for k, v in (variables or {}).items()})
    flink_conf = read_flink_config(PROJECT_DIR / doc.get("flink_config", "conf/config.yaml"))
    flink_conf.update(flatten(doc.get("flink") or {}))
    flink_conf.update(flink or {})
    flink_conf = {k: _fill(v, file_vars, f"{env_path} flink.{k}") for k, v in flink_conf.items()}
    jars = doc.get("jars") or []
    if jars:
        flink_conf["pipeline.jars"] = ";".join(resolve_jars([str(j) for j in jars], str(env_path)))
    return JobConfig(
        env=env,
        policy_path=policy_path,
        sql_dir=PROJECT_DIR / str(doc.get("sql_dir", "sql/filesystem")),
        variables=file_vars,
        flink=flink_conf,
        sources=[str(p) for p, _ in layers],
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
