"""The three layers hold: `maskstream -> jobs -> udfs`, PyFlink only in udfs.flink, no CLI-only
library in what ships to the cluster. The contracts live in pyproject.toml and run in
`make lint`; these tests run them too, and prove that they catch a wrong import."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO

LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    # PYTHONPATH first, so the copy under `root` is analysed rather than the installed packages.
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(root), "PATH": str(Path(sys.executable).parent)},
        check=False,
    )


def _copy_packages(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for package in ("maskstream", "jobs", "udfs"):
        shutil.copytree(
            REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    return root


def test_the_layer_contracts_are_kept() -> None:
    done = _lint_imports(REPO)
    assert done.returncode == 0, done.stdout[-2000:]
    assert "3 kept, 0 broken" in done.stdout


@pytest.mark.parametrize(
    ("module", "wrong_import", "broken"),
    [
        # the worker may not reach up into job construction or the CLI
        ("udfs/records/masking.py", "import jobs.config", "Layers"),
        ("udfs/operators/keep.py", "from maskstream import records", "Layers"),
        # job construction may not import the CLI
        ("jobs/tables.py", "import maskstream.cli", "Layers"),
        # PyFlink stays in the two wrappers
        ("udfs/policy/model.py", "import pyflink.table", "PyFlink"),
        # nothing shipped to the cluster needs the CLI's libraries
        ("jobs/config.py", "import duckdb", "CLI-only"),
        ("udfs/crypto/keys.py", "import confluent_kafka", "CLI-only"),
    ],
)
def test_a_wrong_import_breaks_a_contract(
    tmp_path: Path, module: str, wrong_import: str, broken: str
) -> None:
    root = _copy_packages(tmp_path)
    path = root / module
    text = path.read_text()
    # After the module docstring and the __future__ import, where imports live.
    path.write_text(
        text.replace(
            "from __future__ import annotations\n",
            "from __future__ import annotations\n" + wrong_import + "\n",
            1,
        )
    )
    done = _lint_imports(root)
    assert done.returncode != 0
    plain = re.sub(r"\x1b\[[0-9;]*m", "", done.stdout)  # import-linter 2.5 colours its output
    assert re.search(rf"{broken}.* BROKEN", plain), plain[-2000:]


def test_no_top_level_import_points_up() -> None:
    # The issue's own check, as a grep: imports at the top of a module, and lazy ones too.
    up = {"udfs": r"(maskstream|jobs)", "jobs": r"maskstream"}
    for layer, forbidden in up.items():
        for path in (REPO / layer).rglob("*.py"):
            for line in path.read_text().splitlines():
                assert not re.match(rf"\s*(from|import) {forbidden}\b", line), (path, line)


def test_no_module_is_over_400_lines() -> None:
    # Small modules named for what they do: past 400 lines a module holds more than one thing.
    long = {
        str(p.relative_to(REPO)): n
        for layer in ("udfs", "jobs", "maskstream")
        for p in (REPO / layer).rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 400
    }
    assert not long, long
