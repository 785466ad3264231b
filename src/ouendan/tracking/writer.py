"""Durable click writing: a click is in the database before its visitor is answered.

The redirect hands each row to one writer thread and waits; the thread inserts whatever has
queued up meanwhile in one statement and one commit (group commit), so a busy second costs a
few hundred commits, not one per click. If the database refuses, the rows go to a spool file
(``fsync``-ed) before anyone is answered, and are inserted once the database answers again.
A process killed at any moment has answered only clicks that are on disk.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import threading
import time
from concurrent.futures import Future
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from ouendan.tracking.capture import CLICK_COLUMNS, ClickRow
from ouendan.tracking.models import Click

logger = logging.getLogger("ouendan.tracking")

BATCH_MAX = 1000
SPOOL_RETRY_SECONDS = 5.0


def _insert_sql() -> str:
    table = connection.ops.quote_name(Click._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(column) for column in CLICK_COLUMNS)
    values = ", ".join(["%s"] * len(CLICK_COLUMNS))
    return f"INSERT INTO {table} ({columns}) VALUES ({values})"  # noqa: S608 - our own names


def clicks_insert(rows: list[ClickRow]) -> None:
    """One statement, one commit. Rows already present (same ``click_id``) are an error here;
    the spool replay uses ``clicks_insert_missing``."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(_insert_sql(), rows)


def clicks_insert_missing(rows: list[ClickRow]) -> int:
    """Insert the rows whose ``click_id`` is not stored yet (a spool may be replayed twice)."""
    ids = [row[2] for row in rows]
    with transaction.atomic():
        present = set(Click.objects.filter(click_id__in=ids).values_list("click_id", flat=True))
        missing = [row for row in rows if row[2] not in present]
        if missing:
            with connection.cursor() as cursor:
                cursor.executemany(_insert_sql(), missing)
    return len(missing)


def spool_dir() -> Path:
    return Path(settings.VAR_DIR) / "spool" / "clicks"


def _encode(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _decode(row: list[object]) -> ClickRow:
    values = list(row)
    values[3] = datetime.fromisoformat(str(values[3]))
    values[4] = date.fromisoformat(str(values[4]))
    return tuple(values)  # type: ignore[return-value]


def spool_write(rows: list[ClickRow]) -> Path:
    directory = spool_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{os.getpid()}-{time.time_ns()}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps([_encode(value) for value in row]) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return path


def spool_replay() -> int:
    """Insert the rows of every spool file (skipping those already in), then delete them."""
    directory = spool_dir()
    if not directory.is_dir():
        return 0
    inserted = 0
    for path in sorted(directory.glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        # A file cut short by a crash ends with a partial line whose visitor was never answered.
        rows = []
        for line in lines:
            try:
                rows.append(_decode(json.loads(line)))
            except ValueError:
                continue
        inserted += clicks_insert_missing(rows) if rows else 0
        path.unlink(missing_ok=True)  # another process may have replayed it meanwhile
    return inserted


_STOP = object()


class ClickWriter:
    """The process's one writer thread. ``submit`` returns a future that completes once the
    row is durable (in the database or the spool)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[ClickRow, Future[None]] | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._spooled = False
        self._next_replay = 0.0

    def submit(self, row: ClickRow) -> Future[None]:
        future: Future[None] = Future()
        self._ensure_started()
        self._queue.put((row, future))
        return future

    def _ensure_started(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            with self._lock:
                if self._thread is None or not self._thread.is_alive():
                    self._thread = threading.Thread(
                        target=self._run, name="ouendan-click-writer", daemon=True
                    )
                    self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Write what is queued, then end the thread (the server is shutting down)."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)

    def _take_batch(self) -> tuple[list[tuple[ClickRow, Future[None]]], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch = [first]
        stop = False
        while len(batch) < BATCH_MAX:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                stop = True
                break
            batch.append(item)
        return batch, stop  # type: ignore[return-value]

    def _run(self) -> None:
        directory = spool_dir()
        self._spooled = directory.is_dir() and any(directory.glob("*.jsonl"))
        stop = False
        while not stop:
            batch, stop = self._take_batch()
            if batch:
                self._write(batch)
        connection.close()

    def _write(self, batch: list[tuple[ClickRow, Future[None]]]) -> None:
        rows = [row for row, _ in batch]
        try:
            self._durably(rows)
        except Exception as exc:  # every visitor waiting must hear back
            for _, future in batch:
                future.set_exception(exc)
            return
        for _, future in batch:
            future.set_result(None)

    def _durably(self, rows: list[ClickRow]) -> None:
        for attempt in range(2):
            try:
                clicks_insert(rows)
            except Exception:  # the database may be down or locked
                connection.close()
                if attempt == 1:
                    logger.exception("clicks spooled: the database refused them")
                    spool_write(rows)
                    self._spooled = True
                    return
            else:
                break
        if self._spooled and time.monotonic() >= self._next_replay:
            self._next_replay = time.monotonic() + SPOOL_RETRY_SECONDS
            try:
                spool_replay()
                self._spooled = False
            except Exception:  # try again later
                logger.exception("spooled clicks could not be replayed yet")
