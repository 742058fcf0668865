"""The SQL client setup says plainly when this account can read a raw input folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from maskstream.cli import main
from maskstream.confinement import exposure_warning, readable_raw_inputs


@pytest.mark.parametrize(
    ("made", "exposed"),
    [
        ([], []),
        (["raw/customers"], ["customers"]),
        (["raw/customers", "raw/payments"], ["customers", "payments"]),
        (["masked/customers"], []),  # output is not raw
    ],
)
def test_readable_raw_folders_are_named(
    tmp_path: Path, made: list[str], exposed: list[str]
) -> None:
    for folder in made:
        (tmp_path / folder).mkdir(parents=True)
    found = readable_raw_inputs("local", {"DATA_DIR": str(tmp_path)})
    assert [e.dataset for e in found] == exposed
    assert all(e.path.is_relative_to(tmp_path / "raw") for e in found)


def test_strict_sql_init_refuses_while_raw_input_is_readable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "init.sql"
    args = ["sql-init", "--var", f"DATA_DIR={tmp_path}", "--out", str(out)]
    assert main(args) == 0 and out.exists()  # no raw folder yet: nothing to warn about
    assert "can read the raw input" not in capsys.readouterr().err
    (tmp_path / "raw" / "customers").mkdir(parents=True)
    out.unlink()
    assert main([*args, "--strict"]) == 2 and not out.exists()
    err = capsys.readouterr().err
    assert f"{tmp_path}/raw/customers (customers)" in err and "not confined" in err
    assert main(args) == 0 and out.exists()  # without --strict: written, with the warning
    assert "CREATE TABLE" in exposure_warning(
        readable_raw_inputs("local", {"DATA_DIR": str(tmp_path)})
    )
