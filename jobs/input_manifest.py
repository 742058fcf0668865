"""The content digest of every input file a file profile has been given, so that a rerun knows a
file by what it holds and not only by its name: a file masked already that has since changed
stops the run (its new records would be lost, its old ones counted as its new), and the same
content under another name is left out (it would be masked twice).

Which records are committed comes from the tables (jobs/input_files.py); this manifest only says
what each path held when a run first planned it. It sits beside the dataset's checkpoints
(CHECKPOINT_DIR), written atomically before the job starts; a file masked while following the
folder is recorded by the next run that plans it.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from jobs.config import ConfigError, JobConfig

MANIFEST_VERSION = 1


@dataclass(frozen=True)
class Digest:
    """A file's SHA-256, its size in bytes and its records as Flink's line reader splits them:
    one per line, empty lines included (the job quarantines them), and a last line without its
    newline."""

    sha256: str
    size: int
    records: int


def digest_of(path: Path) -> Digest:
    """One read of the file for all three."""
    h, size, lines, last = hashlib.sha256(), 0, 0, b"\n"
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            h.update(chunk)
            size += len(chunk)
            lines += chunk.count(b"\n")
            last = chunk[-1:]
    return Digest(h.hexdigest(), size, lines + (last != b"\n"))


def manifest_path(config: JobConfig) -> Path | None:
    """`<CHECKPOINT_DIR>/input-manifest.<dataset>.json`, or None where the profile keeps no
    checkpoints (nothing to resume, nothing to compare)."""
    folder = config.variables.get("CHECKPOINT_DIR", "").strip()
    return Path(folder) / f"input-manifest.{config.dataset}.json" if folder else None


def read_manifest(path: Path | None) -> dict[Path, Digest]:
    if path is None or not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        files = data["files"]
        return {
            Path(p): Digest(str(d["sha256"]), int(d["size"]), int(d["records"]))
            for p, d in files.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigError(
            f"{path}: not an input manifest maskstream wrote ({type(exc).__name__}). Fix: "
            "restore it from a backup, or remove it to trust the tables' record counts alone"
        ) from None


def write_manifest(path: Path | None, files: dict[Path, Digest]) -> None:
    """Write the manifest whole, then rename it over the old one (never half written)."""
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {
        "version": MANIFEST_VERSION,
        "files": {
            str(p): {"sha256": d.sha256, "size": d.size, "records": d.records}
            for p, d in sorted(files.items(), key=lambda item: str(item[0]))
        },
    }
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
