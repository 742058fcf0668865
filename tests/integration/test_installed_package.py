"""maskstream installed from its wheel (not editable) works outside a checkout: it finds the
conf/ and sql/ installed with it, and relative paths land in the current folder."""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with only the maskstream wheel in it; its dependencies come from this
    interpreter's site-packages by PYTHONPATH (which processes no .pth files, so the checkout's
    editable install is not on the path)."""
    base = tmp_path_factory.mktemp("installed")
    # Built from a copy: setuptools writes build/ and *.egg-info into the tree it builds.
    source = base / "source"
    for folder in ("maskstream", "jobs", "udfs", "conf", "sql"):
        shutil.copytree(
            REPO / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source / name)
    wheels = base / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(source)],
        check=True,
        capture_output=True,
    )
    venv = base / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    (wheel,) = wheels.glob("maskstream-*.whl")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
         "--no-deps", "-q", str(wheel)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return venv


def _maskstream(venv: Path, cwd: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k != "MASKSTREAM_PROJECT_DIR"}
    environ.update(PYTHONPATH=os.pathsep.join(site.getsitepackages()), **env)
    return subprocess.run(
        [str(venv / "bin" / "python"), "-m", "maskstream.cli", *args],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    done = subprocess.run(
        # maskstream.audit_report reads its report.css, package data, at import.
        [
            str(installed / "bin" / "python"),
            "-c",
            "import udfs, jobs, maskstream.audit_report; print(udfs.__file__)",
        ],
        env={"PYTHONPATH": os.pathsep.join(site.getsitepackages())},
        cwd=tmp_path,  # not the checkout: `python -c` puts the current folder on the path
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith(str(installed)), done.stdout


def test_explain_outside_a_checkout_reads_the_installed_conf_and_sql(
    installed: Path, tmp_path: Path
) -> None:
    done = _maskstream(installed, tmp_path, "explain")
    assert done.returncode == 0, done.stderr[-2000:]
    share = installed / "share" / "maskstream"
    assert f"-- derived from {share}/conf/policies/customers.yaml" in done.stdout
    # Relative paths of the config resolve against the current folder, not the package.
    assert f"'path' = '{tmp_path}/data/raw/customers'" in done.stdout
    assert "INSERT INTO `customers_masked`" in done.stdout


def test_the_project_variable_points_an_installed_package_at_a_checkout(
    installed: Path, tmp_path: Path
) -> None:
    done = _maskstream(
        installed, tmp_path, "policy", "check", "conf/policies/payments.yaml",
        MASKSTREAM_PROJECT_DIR=str(REPO),
    )  # fmt: skip
    # policy check takes a path relative to the current folder, as a user gives it
    assert done.returncode == 2 and "file not found" in done.stderr
    done = _maskstream(installed, tmp_path, "explain", MASKSTREAM_PROJECT_DIR=str(REPO))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"-- derived from {REPO}/conf/policies/customers.yaml" in done.stdout
    assert f"'path' = '{REPO}/data/raw/customers'" in done.stdout
