"""Click capture that never loses an answered click: a local journal, then the database.

The redirect appends each click as one line to its process's journal file (``write(2)``, one
system call) before it answers. Once ``write`` returns the line is the kernel's: killing the
process, even with SIGKILL, cannot lose it. Every second a thread of the same process swaps in
a fresh journal it made itself and closes the one with new clicks (``fsync``: a machine crash
loses at most that second); the event loop never creates or renames a file. The
worker's aggregation job (every minute) moves closed journals, and open ones whose process
died, into the database, many rows per statement, then counts them; the web process itself
never spends its time on the database. Moving a journal twice is harmless: rows are keyed by
their click id. The worker must see the web processes' ``OUENDAN_VAR_DIR`` (the same host or
a shared volume; docs/DEPLOY.md).

Journals live in ``$OUENDAN_VAR_DIR/journal/clicks/``: ``<pid>-<n>.open`` while written (its
writer holds an ``flock`` on it until it closes it or dies), ``<pid>-<n>.jsonl`` once closed,
``….claimed-<pid>`` while being moved (the mover holds the lock). A file whose lock can be
taken has no one left writing it.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import itertools
import logging
import os
import threading
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import orjson
from django.conf import settings
from django.db import connection, transaction

from ouendan.tracking.capture import CLICK_COLUMNS, ClickRow
from ouendan.tracking.models import Click

logger = logging.getLogger("ouendan.tracking")

ROTATE_SECONDS = 1.0
NEW = ".new"
ROWS_PER_STATEMENT = 500  # 13 parameters a row: well under SQLite's and PostgreSQL's limits


# --- The database side ------------------------------------------------------------------------


@functools.cache
def _insert_sql(vendor: str, rows: int) -> str:
    table = connection.ops.quote_name(Click._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in CLICK_COLUMNS)
    row = "(" + ", ".join(["%s"] * len(CLICK_COLUMNS)) + ")"
    return f"INSERT INTO {table} ({columns}) VALUES " + ", ".join([row] * rows)  # noqa: S608


def _insert(rows: list[ClickRow]) -> None:
    with connection.cursor() as cursor:
        for start in range(0, len(rows), ROWS_PER_STATEMENT):
            chunk = rows[start : start + ROWS_PER_STATEMENT]
            sql = _insert_sql(connection.vendor, len(chunk))
            cursor.execute(sql, [value for row in chunk for value in row])


def clicks_insert(rows: list[ClickRow]) -> None:
    """Insert new rows in one transaction (the Django view's way: one click, written now)."""
    with transaction.atomic():
        _insert(rows)


def clicks_insert_missing(rows: list[ClickRow]) -> int:
    """Insert the rows whose ``click_id`` is not stored yet; returns how many were new."""
    inserted = 0
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        chunk = rows[start : start + ROWS_PER_STATEMENT]
        with transaction.atomic():
            ids = [row[2] for row in chunk]
            present = set(Click.objects.filter(click_id__in=ids).values_list("click_id", flat=True))
            missing = [row for row in chunk if row[2] not in present]
            if missing:
                _insert(missing)
        inserted += len(missing)
    return inserted


# --- The journal files ------------------------------------------------------------------------


def journal_dir() -> Path:
    return Path(settings.VAR_DIR) / "journal" / "clicks"


def encode_row(row: ClickRow) -> bytes:
    """One JSON line (orjson writes datetimes and dates in ISO 8601 itself, in a microsecond)."""
    return orjson.dumps(row, option=orjson.OPT_APPEND_NEWLINE)


def decode_row(line: bytes) -> ClickRow:
    values: list[Any] = orjson.loads(line)
    if len(values) != len(CLICK_COLUMNS):
        raise ValueError("not a click row")
    values[3] = datetime.fromisoformat(values[3])
    values[4] = date.fromisoformat(values[4])
    return tuple(values)


def _lock(fd: int) -> bool:
    """Take the file's lock without waiting. A writer holds its journal's lock while it is
    alive; the kernel drops it the moment the process dies (zombie or not, pid reused or not)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def journal_ingest(directory: Path | None = None) -> int:
    """Move every journal nobody holds into the database; returns how many clicks were new.

    A journal is taken by locking it (a live writer, or another mover, holds the lock), then
    renamed so that no one else looks at it again; a line cut short by a crash (its visitor
    never got an answer) is skipped.
    """
    directory = directory or journal_dir()
    if not directory.is_dir():
        return 0
    inserted = 0
    for path in sorted(directory.iterdir()):
        if path.suffix == NEW:
            continue  # being created: renamed to .open once its writer holds the lock
        try:
            fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            continue  # moved meanwhile
        try:
            if not _lock(fd):
                continue
            try:
                if path.stat().st_ino != os.fstat(fd).st_ino:
                    continue  # the name now belongs to another file
            except FileNotFoundError:
                continue
            claimed = path.with_name(f"{path.name.split('.', 1)[0]}.claimed-{os.getpid()}")
            path.rename(claimed)
            rows = []
            for line in _read_all(fd).splitlines():
                with contextlib.suppress(ValueError):
                    rows.append(decode_row(line))
            inserted += clicks_insert_missing(rows) if rows else 0
            claimed.unlink()
        finally:
            os.close(fd)  # drops the lock
    return inserted


class ClickJournal:
    """One process's journal: ``append`` from the event loop, the rest in a thread.

    The event loop only ever writes: the thread makes the next journal file before it swaps it
    in (creating and renaming files can wait on the file system's own journal, and an fsync of
    the previous file may be under way), then syncs, renames and closes the old one."""

    def __init__(self, directory: Path | None = None) -> None:
        self._directory = directory
        self._fd: int | None = None
        self._path: Path | None = None
        self._written = False  # clicks in the current file since it was opened
        self._sequence = itertools.count(1)
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def directory(self) -> Path:
        return self._directory or journal_dir()

    def append(self, row: ClickRow) -> None:
        """Durable against the process dying once this returns (raises ``OSError`` if the
        disk refuses: the visitor must not be answered as if it had been counted)."""
        line = encode_row(row)
        with self._lock:
            if self._fd is None:  # the process's first click; later ones find a file ready
                self._fd, self._path = self._create()
            os.write(self._fd, line)
            self._written = True
        if self._thread is None:
            self._start()

    def _create(self) -> tuple[int, Path]:
        """A new journal, locked before it gets the name movers look at."""
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = f"{os.getpid()}-{time.time_ns()}-{next(self._sequence)}"
        new = self.directory / f"{stem}{NEW}"
        fd = os.open(new, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, new.rename(self.directory / f"{stem}.open")

    @staticmethod
    def _finish(fd: int | None, path: Path | None) -> None:
        if fd is not None and path is not None:
            os.fsync(fd)
            path.rename(path.with_suffix(".jsonl"))
            os.close(fd)  # the lock goes with it, after the rename

    def _close_current(self) -> None:
        with self._lock:
            fd, path = self._fd, self._path
            self._fd = self._path = None
            self._written = False
        self._finish(fd, path)

    def _swap(self) -> None:
        """A journal with new clicks is replaced by a fresh one, made here, off the loop."""
        with self._lock:
            if not self._written:
                return
        fresh = self._create()
        with self._lock:
            fd, path = self._fd, self._path
            self._fd, self._path = fresh
            self._written = False
        self._finish(fd, path)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="ouendan-click-journal", daemon=True
                )
                self._thread.start()

    def rotate(self) -> None:
        """Close the current journal (the next click opens a new one)."""
        self._close_current()

    def flush(self) -> int:
        """Close the current journal and move every claimable one into the database now (what
        the worker does every minute; tests and the benchmark call it)."""
        self._close_current()
        try:
            return journal_ingest(self.directory)
        finally:
            connection.close()

    def _run(self) -> None:
        while not self._stopping.wait(ROTATE_SECONDS):
            try:
                self._swap()
            except OSError:  # the disk: the next second tries again
                logger.exception("the click journal could not be closed")

    def stop(self) -> None:
        """At shutdown: the last journal is closed, for the worker to move."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None
        with contextlib.suppress(OSError):
            self.rotate()
