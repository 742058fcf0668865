"""Where the project's files are: conf/ and sql/ (read), and the folder that relative paths in
them (data/, lib/) resolve against.

Looked up in this order, so the same code runs from a checkout, an installed package and the
docker image:
1. MASKSTREAM_PROJECT_DIR, when set (it must hold conf/maskstream.yaml);
2. the current folder or the nearest one above it that holds conf/maskstream.yaml;
3. the copy of conf/ and sql/ installed with the package (<prefix>/share/maskstream); relative
   paths then resolve against the current folder, since the installed copy is read-only.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

PROJECT_ENV = "MASKSTREAM_PROJECT_DIR"
MARKER = Path("conf") / "maskstream.yaml"
# Where `pip install` puts the data-files of pyproject.toml ([tool.setuptools.data-files]).
INSTALLED = Path("share") / "maskstream"


class ProjectNotFoundError(Exception):
    """No project folder to read conf/ and sql/ from; the message says how to point at one."""


@dataclass(frozen=True)
class Project:
    root: Path  # holds conf/ and sql/
    data_root: Path  # relative paths of the config (data/..., lib/...) resolve against this

    @property
    def conf_dir(self) -> Path:
        return self.root / "conf"

    @property
    def sql_dir(self) -> Path:
        return self.root / "sql"


def installed_copy() -> Path | None:
    """conf/ and sql/ as installed with the package, if they were."""
    for prefix in dict.fromkeys((sys.prefix, sys.base_prefix)):
        folder = Path(prefix) / INSTALLED
        if (folder / MARKER).is_file():
            return folder
    return None


def find_project(cwd: Path | None = None, environ: dict[str, str] | None = None) -> Project:
    """The project of this process (see the module docstring for the order)."""
    environ = os.environ if environ is None else environ
    cwd = (cwd or Path.cwd()).resolve()
    named = environ.get(PROJECT_ENV)
    if named:
        root = Path(named).expanduser().resolve()
        if not (root / MARKER).is_file():
            raise ProjectNotFoundError(
                f"{PROJECT_ENV}={named}: no {MARKER} there. Fix: point {PROJECT_ENV} at a "
                "maskstream project folder (the one holding conf/ and sql/), or unset it"
            )
        return Project(root, root)
    for folder in (cwd, *cwd.parents):
        if (folder / MARKER).is_file():
            return Project(folder, folder)
    installed = installed_copy()
    if installed is not None:
        return Project(installed, cwd)
    raise ProjectNotFoundError(
        f"no {MARKER} in {cwd} or above it, and none installed with the package. Fix: run "
        f"maskstream from the project folder, or set {PROJECT_ENV} to it"
    )
