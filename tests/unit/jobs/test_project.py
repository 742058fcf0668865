"""Where the project's conf/ and sql/ are found: MASKSTREAM_PROJECT_DIR, then the current
folder and its parents, then the copy installed with the package; never `__file__`."""

from __future__ import annotations

import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

from jobs import project as project_module
from jobs.project import PROJECT_ENV, ProjectNotFoundError, find_project
from tests.paths import REPO


def _project(root: Path) -> Path:
    (root / "conf").mkdir(parents=True)
    (root / "conf" / "maskstream.yaml").write_text("policy: conf/policies/x.yaml\n")
    return root


@pytest.fixture(autouse=True)
def _no_installed_copy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(project_module, "installed_copy", lambda: None)


def test_the_variable_wins_over_the_current_folder(tmp_path: Path) -> None:
    named, here = _project(tmp_path / "named"), _project(tmp_path / "here")
    found = find_project(cwd=here, environ={PROJECT_ENV: str(named)})
    assert found.root == named and found.data_root == named


def test_a_variable_that_names_no_project_fails_naming_it_and_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match=rf"{PROJECT_ENV}=.*nowhere.*Fix: point"):
        find_project(cwd=tmp_path, environ={PROJECT_ENV: str(tmp_path / "nowhere")})


def test_the_nearest_folder_above_the_current_one_is_the_project(tmp_path: Path) -> None:
    root = _project(tmp_path / "p")
    deep = root / "data" / "demo" / "customers"
    deep.mkdir(parents=True)
    assert find_project(cwd=deep, environ={}).root == root


def test_the_installed_copy_is_read_and_paths_resolve_against_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = _project(tmp_path / "share" / "maskstream")
    monkeypatch.setattr(project_module, "installed_copy", lambda: installed)
    work = tmp_path / "work"
    work.mkdir()
    found = find_project(cwd=work, environ={})
    assert found.root == installed  # conf/ and sql/ from the package
    assert found.data_root == work  # data/, lib/, log/ where the user is


def test_no_project_anywhere_says_how_to_point_at_one(tmp_path: Path) -> None:
    with pytest.raises(ProjectNotFoundError, match=rf"Fix: run maskstream from .* {PROJECT_ENV}"):
        find_project(cwd=tmp_path, environ={})


def test_the_package_installs_every_file_of_conf_and_sql() -> None:
    # pyproject's data-files must list a pattern for every shipped file (sql/bench/ excepted:
    # the benchmark runs from a checkout).
    data_files = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"][
        "data-files"
    ]
    patterns = [p for group in data_files.values() for p in group]
    shipped = [
        p.relative_to(REPO).as_posix()
        for folder in ("conf", "sql")
        for p in (REPO / folder).rglob("*")
        if p.is_file() and "bench" not in p.parts
    ]
    missing = [f for f in shipped if not any(fnmatch(f, pattern) for pattern in patterns)]
    assert not missing, f"add these to [tool.setuptools.data-files]: {missing}"
    for target, group in data_files.items():
        for pattern in group:
            assert target == f"share/maskstream/{Path(pattern).parent.as_posix()}", pattern
