"""What the audit report states beside the audit rows: verify's verdict as the report shows it,
a verification that cannot run, and the versions in its provenance."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

from jobs.config import load_config
from maskstream import report_facts
from maskstream.audit_trail import AuditTrail, write_report
from maskstream.report_facts import VerifyOutcome, maskstream_version, outcome_of
from maskstream.verify import VerifyReport, WindowResult
from udfs.policy.model import load_policy

OK = WindowResult((1, "2026-01-01 08:00:00.000", "2026-01-01 09:00:00.000"), 10, 10)
MISSING = WindowResult((1, "2026-01-01 09:00:00.000", "2026-01-01 10:00:00.000"), 5, 4,
                       ["1 row(s) missing"])  # fmt: skip


@pytest.mark.parametrize(
    ("report", "verified", "verdict", "findings", "notes"),
    [
        # Every window matches, the chain holds, every snapshot an append.
        (VerifyReport([OK], [], history_checked=["customers.masked: 3 snapshots"]), True,
         "VERIFIED", [], ["chain: intact", "history: append-only"]),
        # A window differs: the finding is verify's own line for it.
        (VerifyReport([OK, MISSING], []), False, "FAILED", ["1 row(s) missing"],
         ["chain: intact"]),
        # A broken chain and a rewritten snapshot are findings, not notes.
        (VerifyReport([OK], ["2 chain starts (expected 1)"], ["snapshot 7 is a `delete`"]), False,
         "FAILED", ["chain: 2 chain starts", "history: snapshot 7"], []),
        # Rows not sealed yet are named, not a failure.
        (VerifyReport([OK], [], pending=["3 row(s) committed after the last audit"]), True,
         "VERIFIED", [], ["pending: 3 row(s)"]),
        # Nothing to check is not verified.
        (VerifyReport([], []), False, "NOT VERIFIED", [], []),
    ],
)  # fmt: skip
def test_verify_reports_become_the_reports_verdict(
    report: VerifyReport, verified: bool, verdict: str, findings: list[str], notes: list[str]
) -> None:
    outcome = outcome_of(report, "2026-01-02 08:00:00 UTC")
    assert outcome.verified is verified
    assert outcome.verdict.startswith(verdict + ":")
    assert outcome.ran_at == "2026-01-02 08:00:00 UTC"
    assert len(outcome.findings) == len(findings)
    for expected, got in zip(findings, outcome.findings, strict=True):
        assert expected in got
    for expected in notes:
        assert any(n.startswith(expected) for n in outcome.notes), (expected, outcome.notes)
    assert not any("  OK" in n for n in outcome.notes)  # windows that match are counted only
    assert outcome.windows_checked == len(report.windows)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        # A path the user can fix is named.
        (FileNotFoundError(2, "No such file or directory", "/data/warehouse"), "/data/warehouse"),
        # Anything else may quote a record: withheld, and logged without its message.
        (RuntimeError("row: ssn=123-45-6789"), ""),
    ],
)
def test_a_verification_that_cannot_run_is_not_verified(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, error: Exception, reason: str
) -> None:
    def fail(*_args: object) -> None:
        raise error

    monkeypatch.setattr("maskstream.verify.verify_profile", fail)
    monkeypatch.setattr("maskstream.errors.record", lambda e: tmp_path / "maskstream.log")
    monkeypatch.delenv("MASKSTREAM_DEBUG", raising=False)
    outcome = report_facts.run_verification(object(), object())  # type: ignore[arg-type]
    assert isinstance(outcome, VerifyOutcome)
    assert not outcome.verified
    assert outcome.verdict == "NOT VERIFIED: the verification could not run"
    assert reason in outcome.findings[0]
    assert "123-45-6789" not in " ".join(outcome.findings)


def test_the_maskstream_version_falls_back_to_pyproject(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def not_installed(name: str) -> str:
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(report_facts.metadata, "version", not_installed)
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "maskstream"\nversion = "4.5.6"\n')
    assert maskstream_version(tmp_path) == "4.5.6 (pyproject.toml)"
    assert maskstream_version(tmp_path / "nowhere") == "unknown"
    assert report_facts.flink_version() == "not installed"


def test_the_report_states_the_verification_it_ran_and_its_provenance(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = load_config("local")
    policy = load_policy(config.policy_path)
    failed = VerifyOutcome(False, "2026-01-02 08:00:00 UTC", "FAILED: 1 window(s) differ",
                           ("chain: 2 chain starts (expected 1)",))  # fmt: skip
    monkeypatch.setattr("maskstream.audit_trail.run_verification", lambda c, p: failed)
    path = tmp_path / "report.html"
    assert write_report(AuditTrail([], []), path, config, policy) is failed
    page = path.read_text(encoding="utf-8")
    assert "NOT VERIFIED" in page and "2 chain starts" in page and "2026-01-02 08:00:00" in page
    assert f"customers v{policy.version}" in page and "conf/policies/customers.yaml" in page
    assert metadata.version("apache-flink") in page and "<dt>Profile</dt><dd>local</dd>" in page
    assert "<title>maskstream audit: customers</title>" in page
