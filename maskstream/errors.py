"""What the command line says when a command fails: the real cause in one line when it cannot
quote a record (paths, connectivity, policy files, SQL), and a withheld message that says where
the safe detail is when it might (a failed Flink job, an unexpected error in the masking code).

Withheld failures are written to the project's `maskstream.log` (rotated, never truncated) as
exception types and stack frames only: no message, so no record value. `MASKSTREAM_DEBUG=1`
re-raises them whole instead (for synthetic data only: the message may quote a record).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import traceback
import urllib.error
from dataclasses import dataclass
from pathlib import Path

LOG_NAME = "maskstream.log"
DEBUG_VARIABLE = "MASKSTREAM_DEBUG"

# Flink exceptions raised while a statement is parsed, validated or planned: they quote SQL and
# table names, never a record (the job has not read any).
_PLANNING = (
    "org.apache.flink.table.api.ValidationException",
    "org.apache.flink.table.api.SqlParserException",
    "org.apache.flink.sql.parser.impl.ParseException",
    "org.apache.calcite.runtime.CalciteContextException",
    "org.apache.flink.table.catalog.exceptions.",
)


@dataclass(frozen=True)
class Failure:
    """One line for stderr, and the exit code (2: the user can fix it, 1: withheld)."""

    line: str
    code: int


def debug_enabled() -> bool:
    return os.environ.get(DEBUG_VARIABLE, "") not in ("", "0")


def describe(error: BaseException) -> Failure:
    """The one line to print for `error`, quoting it only when it cannot hold a record."""
    if isinstance(error, BrokenPipeError):
        return Failure("error: stdout was closed before the output ended (e.g. `| head`)", 2)
    if isinstance(error, OSError) and error.filename is not None:
        return Failure(f"error: {_os_error(error)}", 2)
    if isinstance(error, urllib.error.URLError):
        reason = getattr(error.reason, "strerror", None) or error.reason
        return Failure(
            f"error: cannot reach {_url_of(error)}: {reason}. Fix: start the cluster "
            "(`make session-up` or `make up`) or point --jobmanager at its REST address",
            2,
        )
    chain = _java_chain(error)
    if chain and chain[0][0].startswith(_PLANNING):
        name, message = chain[0]
        return Failure(f"error: {name.rsplit('.', 1)[-1]}: {message}", 2)
    what = chain[-1][0] if chain else type(error).__name__
    return Failure(
        f"error: {what} (the message is withheld: it may quote record data). The exception "
        f"types and stack frames, without messages, are in {log_path()}; "
        f"{DEBUG_VARIABLE}=1 prints the whole error, on synthetic data only",
        1,
    )


def record(error: BaseException) -> Path:
    """Append `error`'s types and frames (never its message) to the rotated log; its path."""
    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    log = logging.getLogger("maskstream.cli")
    if not any(getattr(h, "baseFilename", None) == str(path.resolve()) for h in log.handlers):
        for old in list(log.handlers):
            log.removeHandler(old)
            old.close()
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=1 << 20, backupCount=5, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.propagate = False
    log.error("command failed:\n%s", "".join(_frames_only(error)))
    return path


def log_path() -> Path:
    from jobs.project import ProjectNotFoundError, find_project

    folder = os.environ.get("FLINK_LOG_DIR")
    if folder is None:
        try:
            folder = str(find_project().data_root / "log")
        except ProjectNotFoundError:
            folder = str(Path.home() / ".maskstream" / "log")
    return Path(folder) / LOG_NAME


def _frames_only(error: BaseException) -> list[str]:
    lines: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}\n")
        lines.extend(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        java = getattr(current, "java_exception", None)
        if java is not None:
            lines.extend(_java_frames(java))
        current = current.__cause__ or current.__context__
    return lines


def _os_error(error: OSError) -> str:
    reason = error.strerror or type(error).__name__
    fixes = {
        FileNotFoundError: "check the path (`maskstream generate --out DIR` writes sample input)",
        IsADirectoryError: "give a file, not a folder",
        NotADirectoryError: "give a folder, not a file",
        PermissionError: "check the file's permissions",
    }
    fix = next((f for kind, f in fixes.items() if isinstance(error, kind)), None)
    return f"{error.filename}: {reason}" + (f". Fix: {fix}" if fix else "")


def _url_of(error: urllib.error.URLError) -> str:
    return str(getattr(error, "url", None) or getattr(error, "filename", None) or "the cluster")


def _java_throwable(error: BaseException) -> object | None:
    """The Java exception of a Py4JJavaError; PyFlink re-raises some as its own Python classes
    (TableException, ...) from inside the handler, so the Py4JJavaError is their context."""
    current: BaseException | None = error
    for _ in range(5):
        if current is None:
            return None
        found = getattr(current, "java_exception", None)
        if found is not None:
            return found
        current = current.__cause__ or current.__context__
    return None


def _java_chain(error: BaseException) -> list[tuple[str, str]]:
    """(class, first line of the message) of a Py4JJavaError's exception and its causes, the
    outermost first; empty for a Python error."""
    throwable = _java_throwable(error)
    chain: list[tuple[str, str]] = []
    try:
        while throwable is not None and len(chain) < 20:
            message = str(throwable.getMessage() or "(no message)").strip().splitlines()
            chain.append((str(throwable.getClass().getName()), message[0] if message else ""))
            cause = throwable.getCause()
            throwable = None if cause is None or cause == throwable else cause
    except Exception:  # the gateway may be gone: what was read is enough
        pass
    return chain


def _java_frames(throwable: object, limit: int = 30) -> list[str]:
    try:
        frames = [f"  at {frame.toString()}\n" for frame in throwable.getStackTrace()[:limit]]
        cause = throwable.getCause()
        name = f"{throwable.getClass().getName()}\n"
        rest = _java_frames(cause, limit) if cause is not None and cause != throwable else []
        return [name, *frames, *rest]
    except Exception:
        return []
