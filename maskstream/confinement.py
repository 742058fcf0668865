"""What an analyst's SQL client can reach besides the tables it declares. The init file declares
only the analyst tables, but Flink SQL lets a user `CREATE TABLE` over any path the account can
read: the raw input is kept out of reach by the operating system (an analyst account without read
access to the raw tree), not by Flink. This names the raw folders the current account can read."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from jobs.config import load_config
from jobs.project import find_project


@dataclass(frozen=True)
class RawExposure:
    dataset: str
    path: Path


def readable_raw_inputs(env: str, variables: dict[str, str] | None = None) -> list[RawExposure]:
    """Each dataset's raw input (INPUT_PATH of profile `env`) that this account can read."""
    exposed = []
    for policy_path in sorted((find_project().conf_dir / "policies").glob("*.yaml")):
        config = load_config(env, policy=policy_path, variables=variables)
        raw = config.variables.get("INPUT_PATH")
        if raw and Path(raw).exists() and os.access(raw, os.R_OK):
            exposed.append(RawExposure(config.dataset, Path(raw)))
    return exposed


def exposure_warning(exposed: list[RawExposure]) -> str:
    """A plain statement of what the SQL client setup does not confine, naming the fix."""
    folders = ", ".join(f"{e.path} ({e.dataset})" for e in exposed)
    return (
        f"sql-init: this account can read the raw input {folders}. The init file declares only "
        "the analyst tables (masked, audit, leaks, quarantine), but Flink SQL lets anyone "
        "`CREATE TABLE` over a path this account can read, so the SQL client is not confined "
        "here. Fix: run the SQL client as an account that cannot read the raw tree (e.g. "
        "`chmod -R o-rwx data/raw` and a separate analyst user), or where the raw tree is not "
        "mounted; `--strict` refuses to write the init file until then"
    )
