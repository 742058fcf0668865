"""The input files of a file profile, and which of them the masked tables already hold, so that a
rerun over the same landing folder masks only what is new and never a record twice.

What is masked is read from the committed tables themselves (the `source_ref` of every masked
and quarantined row names its file), so it is exactly what the checkpoints committed: a file
whose every record is there is done and left out of the source (`source.path.regex-pattern`);
a file only part of whose records are there belongs to a stopped run, which `--resume` finishes.

Files are known by content too (jobs/input_manifest.py): a masked file that changed stops the
run, and a new name holding the bytes of another input is left out.

Following the folder (FOLLOW_INTERVAL, `run mask --follow`), the source lists it again every
interval and reads each new file once: the paths it has seen are in its checkpointed state.
Files that land while it follows are compared by path only; the next run records their digests.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from jobs.config import ConfigError, JobConfig
from jobs.iceberg_catalog import load_iceberg, table_ref
from jobs.input_manifest import Digest, digest_of, manifest_path, read_manifest, write_manifest

# Every file (Flink leaves hidden ones out itself): the source's pattern when nothing is done.
EVERY_FILE = ".*"
# The profile variable that makes the file source follow its folder: how often it lists it.
FOLLOW_VAR = "FOLLOW_INTERVAL"
DEFAULT_FOLLOW_INTERVAL = "5s"
# Flink's duration units (TimeUtils), as seconds; the first name of each is the one passed on.
_UNITS = {
    ("ms", "milli", "millis", "millisecond", "milliseconds"): 0.001,
    ("s", "sec", "secs", "second", "seconds"): 1.0,
    ("min", "m", "minute", "minutes"): 60.0,
    ("h", "hour", "hours"): 3600.0,
    ("d", "day", "days"): 86400.0,
}
_DURATION = re.compile(r"\s*(\d+)\s*([a-z]+)\s*")


def parse_interval(text: str, where: str = FOLLOW_VAR) -> tuple[str, float]:
    """A follow interval as Flink reads it, and in seconds: a whole number and a unit. A bare
    number is refused (Flink would read milliseconds)."""
    match = _DURATION.fullmatch(text.lower())
    names = next((n for n in _UNITS if match and match.group(2) in n), None)
    if match is None or names is None or int(match.group(1)) == 0:
        raise ConfigError(
            f"{where} {text!r}: not an interval. Fix: a whole number above 0 and a unit, "
            "e.g. 5s, 500ms or 1min"
        )
    value = int(match.group(1))
    return f"{value}{names[0]}", value * _UNITS[names]


def reads_files(config: JobConfig) -> bool:
    """Whether the profile's raw table is a file source (Flink's filesystem connector)."""
    ref = table_ref(config, "raw")
    return ref is not None and ref.options.get("connector") == "filesystem"


def follow_interval(config: JobConfig) -> str | None:
    """How often the file source lists its folder for new files (Flink's duration), or None
    when the profile reads the folder once (FOLLOW_INTERVAL empty or unset)."""
    text = config.variables.get(FOLLOW_VAR, "").strip()
    return parse_interval(text)[0] if text else None


def committed_files(table_dir: Path) -> list[Path]:
    """Files of a folder as Flink's file source and sink see them: a name, or a parent folder's,
    that starts with "." or "_" is hidden (in-progress files of a sink until they commit)."""
    return sorted(
        p
        for p in table_dir.rglob("*")
        if p.is_file()
        and not any(part.startswith((".", "_")) for part in p.relative_to(table_dir).parts)
    )


def input_files(input_dir: Path) -> list[Path]:
    """The files Flink's filesystem source reads: a file, or every visible file of a folder."""
    if not input_dir.exists():
        raise FileNotFoundError(2, "no such file or folder", str(input_dir))
    return committed_files(input_dir) if input_dir.is_dir() else [input_dir]


def count_lines(paths: list[Path]) -> int:
    """Records in JSON lines files as Flink's line reader splits them (`Digest.records`)."""
    return sum(digest_of(path).records for path in paths)


@dataclass(frozen=True)
class InputPlan:
    """The input files of a run: new ones, and those the tables already hold whole."""

    new: list[Path]
    done: list[Path] = field(default_factory=list)
    # Files only part of whose records are committed: (records committed, records in the file).
    partial: dict[Path, tuple[int, int]] = field(default_factory=dict)
    # New names whose content is that of another input file (copy -> that file): left out.
    copies: dict[Path, Path] = field(default_factory=dict)

    @property
    def nothing_new(self) -> bool:
        return not self.new and not self.partial

    def _copies_line(self) -> str:
        if not self.copies:
            return ""
        (copy, original), *rest = self.copies.items()
        more = f" (and {len(rest)} more)" if rest else ""
        return (
            f"; left out {len(self.copies):,} file(s) that hold the same bytes as another "
            f"input file, e.g. {copy.name} = {original.name}{more}"
        )

    def render(self, input_dir: Path) -> str:
        if self.nothing_new:
            return (
                f"nothing new in {input_dir}: its {len(self.done):,} file(s) are masked already "
                "(every record is in the masked or quarantine table); nothing was added"
                + self._copies_line()
            )
        return (
            f"{len(self.done):,} file(s) of {input_dir} are masked already and left out; "
            f"masking {len(self.new):,} new file(s)"
            + (f" and finishing {len(self.partial):,} stopped part way" if self.partial else "")
            + self._copies_line()
        )

    @property
    def pattern(self) -> str:
        """The source's `source.path.regex-pattern`: every file but the done ones and those a
        resumed run finishes from its checkpoint's splits, which a source that follows the
        folder must not find again as new (Java and Python read re.escape's escapes alike)."""
        left_out = [*self.done, *(p.resolve() for p in (*self.partial, *self.copies))]
        if not left_out:
            return EVERY_FILE
        names = "|".join(re.escape(str(p)) for p in left_out)
        return f"(?!(?:{names})$).*"


def committed_by_file(config: JobConfig) -> Counter[Path]:
    """Records per input file in the masked and quarantine tables (Iceberg), by `source_ref`."""
    counts: Counter[Path] = Counter()
    for suffix in ("masked", "quarantine"):
        ref = table_ref(config, suffix)
        table = load_iceberg(ref) if ref is not None and ref.is_iceberg else None
        if table is None or table.current_snapshot() is None:
            continue
        refs = table.scan(selected_fields=("source_ref",)).to_arrow().column("source_ref")
        for value, n in Counter(refs.to_pylist()).items():
            if isinstance(value, str) and value.startswith("file:"):
                counts[Path(value.removeprefix("file:").removeprefix("file:"))] += n
    return counts


def plan_inputs(config: JobConfig, resume: bool = False) -> InputPlan:
    """Which input files to mask (see `classify`), from the tables' committed records and the
    files' content digests, which the manifest then keeps for the next run."""
    files = input_files(Path(config.variables["INPUT_PATH"]))
    where = manifest_path(config)
    known = read_manifest(where)
    digests = {path.resolve(): digest_of(path) for path in files}
    plan = classify(files, committed_by_file(config), digests, known, resume)
    write_manifest(where, {**known, **digests})
    return plan


def classify(
    files: list[Path],
    committed: Counter[Path],
    digests: dict[Path, Digest],
    known: dict[Path, Digest],
    resume: bool = False,
) -> InputPlan:
    """A file whose records are all committed is done; one with some committed stops a fresh
    run (it would be masked twice) unless the run resumes the stopped one, whose checkpoint
    knows where it was. A masked file whose bytes differ from what the manifest recorded
    (`known`) stops the run; a new name with the same bytes as another input is left out."""
    new, done, partial, copies = [], [], {}, {}
    changed = [p for p in files if committed.get(p.resolve()) and _changed(p, digests, known)]
    if changed:
        more = f" (and {len(changed) - 1} more)" if len(changed) > 1 else ""
        raise ConfigError(
            f"{changed[0]}: its content changed after it was masked{more} (its SHA-256 is not "
            "the one recorded when it was first masked), so its new records would be lost and "
            "its old ones counted against them. Fix: put the old file back and land the new "
            "records as a new file (the digests are in input-manifest.<dataset>.json beside "
            "the checkpoints, CHECKPOINT_DIR)"
        )
    seen: dict[str, Path] = {}
    # Masked files first, so that a copy is always the name no record came from.
    for path in sorted(files, key=lambda p: (not committed.get(p.resolve()), str(p))):
        key, digest = path.resolve(), digests[path.resolve()]
        have = committed.get(key, 0)
        twin = seen.get(digest.sha256) if digest.size else None
        seen.setdefault(digest.sha256, path)
        if have == 0 and twin is not None:
            copies[path] = twin
        elif have == 0:
            new.append(path)
        elif have == digest.records:
            done.append(key)
        else:
            partial[path] = (have, digest.records)
    if partial and not resume:
        (path, (have, lines)), *rest = partial.items()
        more = f" (and {len(rest)} more)" if rest else ""
        raise ConfigError(
            f"{path}: {have:,} of its {lines:,} records are already masked{more}: a run was "
            "stopped part way, or the file changed after it was masked. Fix: `maskstream run "
            "mask --resume` (with --follow if the run followed the folder) finishes the stopped "
            "run from its last checkpoint; a file that grew should be a new file"
        )
    return InputPlan(sorted(new), done, partial, copies)


def _changed(path: Path, digests: dict[Path, Digest], known: dict[Path, Digest]) -> bool:
    before = known.get(path.resolve())
    return before is not None and before.sha256 != digests[path.resolve()].sha256
