"""What the audit report states beside the audit rows: the verification it ran when it was
written, and its provenance (when, which versions, which profile and policy file)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from jobs.config import JobConfig
from maskstream import errors
from udfs.policy.model import Policy

if TYPE_CHECKING:
    from maskstream.verify import VerifyReport


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True)
class VerifyOutcome:
    """The result of `maskstream verify` as the report shows it. `findings`: what differs (a
    window, the chain, the tables' history); `notes`: what was checked and held, and rows not
    sealed yet (pending, not a failure)."""

    verified: bool
    ran_at: str
    verdict: str
    findings: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    windows_checked: int = 0
    windows_ok: int = 0


def outcome_of(report: VerifyReport, ran_at: str) -> VerifyOutcome:
    """The report's verdict from verify's own: its problems as findings, and every other line
    it prints beside the windows (chain intact, history append-only, quarantine, pending) as
    what was checked."""
    findings = [w.render() for w in report.windows if not w.ok]
    findings += [f"chain: {p}" for p in report.chain_problems]
    findings += [f"history: {p}" for p in report.history_problems]
    findings += [f"quarantine: {p}" for p in report.quarantine_problems]
    lines = report.render().splitlines()
    window_lines = {w.render() for w in report.windows}
    notes = [
        line
        for line in lines[:-1]
        if line not in window_lines and line not in findings and not line.startswith("... ")
    ]
    return VerifyOutcome(
        verified=report.ok,
        ran_at=ran_at,
        verdict=lines[-1],
        findings=tuple(findings),
        notes=tuple(notes),
        windows_checked=len(report.windows),
        windows_ok=sum(1 for w in report.windows if w.ok),
    )


def run_verification(config: JobConfig, policy: Policy) -> VerifyOutcome:
    """Verify the profile's masked table against its seals now. A verification that cannot
    run is NOT VERIFIED, with the reason when it cannot quote a record (errors.describe)."""
    from maskstream.verify import verify_profile

    ran_at = utc_now()
    try:
        report = verify_profile(config, policy)
    except Exception as e:  # the report states the failure instead of a verdict
        if errors.debug_enabled():
            raise
        failure = errors.describe(e)
        if failure.code != 2:
            errors.record(e)
        reason = failure.line.removeprefix("error: ")
        return VerifyOutcome(
            False, ran_at, "NOT VERIFIED: the verification could not run", (reason,)
        )
    return outcome_of(report, ran_at)


@dataclass(frozen=True)
class Provenance:
    """Who and what wrote the report. Every field is text already fit to show."""

    generated_at: str
    maskstream_version: str
    flink_version: str
    dataset: str
    profile: str = ""
    policy_file: str = ""
    policy_version: str = ""


def maskstream_version(project_root: Path | None = None) -> str:
    """The installed package's version, else the one pyproject.toml declares."""
    try:
        return metadata.version("maskstream")
    except metadata.PackageNotFoundError:
        pass
    root = project_root or Path(__file__).resolve().parent.parent
    try:
        with (root / "pyproject.toml").open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"]) + " (pyproject.toml)"
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def flink_version() -> str:
    try:
        return metadata.version("apache-flink")
    except metadata.PackageNotFoundError:
        return "not installed"


def collect_provenance(config: JobConfig, policy: Policy) -> Provenance:
    root = config.project.root
    path = Path(config.policy_path)
    try:
        shown = str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        shown = str(path)
    return Provenance(
        generated_at=utc_now(),
        maskstream_version=maskstream_version(root),
        flink_version=flink_version(),
        dataset=policy.dataset,
        profile=config.env,
        policy_file=shown,
        policy_version=str(policy.version),
    )
