"""The run log: every answer and every model call, in a local SQLite file beside the store.

A run is one question answered (ask, or a chat turn); its calls are the model requests made for it, with the
prompt, the reply, token counts and latency. API keys are never written: nothing here sees request headers,
and error text is scrubbed of the key before it is stored. Schema changes are small numbered migrations.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_MIGRATIONS = (
    """CREATE TABLE runs (
        id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, command TEXT NOT NULL, question TEXT NOT NULL,
        engine TEXT, model TEXT, answer TEXT, citations TEXT, warnings TEXT, grounded INTEGER,
        latency_ms REAL, status TEXT NOT NULL DEFAULT 'running', error TEXT)""",
    """CREATE TABLE calls (
        id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs(id), started_at TEXT NOT NULL, purpose TEXT,
        model TEXT, base_url TEXT, messages TEXT, response TEXT, prompt_tokens INTEGER,
        completion_tokens INTEGER, counted_prompt_tokens INTEGER, latency_ms REAL, first_token_ms REAL,
        status TEXT NOT NULL, error TEXT)""",
    "CREATE INDEX calls_by_run ON calls(run_id)",
    """CREATE TABLE egress (
        id INTEGER PRIMARY KEY, sent_at TEXT NOT NULL, endpoint TEXT NOT NULL, reach TEXT NOT NULL,
        kind TEXT NOT NULL, bytes INTEGER NOT NULL, sources TEXT, redactions TEXT, refused TEXT)""",
)


@dataclass
class CallRecord:
    """One model request as the log keeps it."""

    purpose: str
    model: str
    base_url: str | None
    messages: list[dict[str, str]]
    response: str = ""
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    counted_prompt_tokens: int | None = None
    latency_ms: float | None = None
    first_token_ms: float | None = None
    status: str = "ok"
    error: str | None = None
    started_at: str = field(default_factory=lambda: _now())


def _now() -> str:
    """Local time, to the second, as people read it."""
    return time.strftime("%Y-%m-%d %H:%M:%S")


class RunLog:
    """Append-only log of runs and model calls in one SQLite file."""

    def __init__(self, path: Path, secrets: tuple[str, ...] = ()) -> None:
        self.path = path
        self.secrets = tuple(secret for secret in secrets if secret)
        self._lock = threading.Lock()
        self._migrated = False

    def _connect(self) -> sqlite3.Connection:
        """A connection to the log, created and migrated on first use."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=10)
        connection.row_factory = sqlite3.Row
        if not self._migrated:
            _migrate(connection)
            self._migrated = True
        return connection

    def _write(self, sql: str, parameters: tuple[Any, ...]) -> int:
        """Run one statement in its own transaction; returns the new row id."""
        with self._lock:
            connection = self._connect()
            try:
                with connection:
                    return int(connection.execute(sql, parameters).lastrowid or 0)
            finally:
                connection.close()

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Rows of one query as dicts (an absent log has no rows)."""
        if not self.path.exists():
            return []
        with self._lock:
            connection = self._connect()
            try:
                return [dict(row) for row in connection.execute(sql, parameters)]
            finally:
                connection.close()

    def _scrub(self, text: str | None) -> str | None:
        """Text with any configured secret replaced (error messages can echo a key)."""
        if text is None:
            return None
        for secret in self.secrets:
            text = text.replace(secret, "〔密钥〕")
        return text

    def start_run(self, command: str, question: str, engine: str, model: str | None) -> int:
        """Open a run; returns its id."""
        return self._write("INSERT INTO runs (started_at, command, question, engine, model) VALUES (?, ?, ?, ?, ?)",
                           (_now(), command, question, engine, model))

    def finish_run(self, run_id: int, answer: str, citations: list[dict[str, Any]], warnings: list[str],
                   grounded: bool, latency_ms: float, error: str | None = None) -> None:
        """Close a run with its outcome."""
        self._write("UPDATE runs SET answer = ?, citations = ?, warnings = ?, grounded = ?, latency_ms = ?, "
                    "status = ?, error = ? WHERE id = ?",
                    (answer, _json(citations), _json(warnings), int(grounded), latency_ms,
                     "error" if error else "ok", self._scrub(error), run_id))

    def record_call(self, run_id: int | None, call: CallRecord) -> int:
        """Append one model call."""
        return self._write(
            "INSERT INTO calls (run_id, started_at, purpose, model, base_url, messages, response, prompt_tokens, "
            "completion_tokens, counted_prompt_tokens, latency_ms, first_token_ms, status, error) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (run_id, call.started_at, call.purpose, call.model, call.base_url, _json(call.messages),
             self._scrub(call.response), call.prompt_tokens, call.completion_tokens, call.counted_prompt_tokens,
             call.latency_ms, call.first_token_ms, call.status, self._scrub(call.error)))

    def recent_runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs, newest first, each with its number of calls and prompt tokens."""
        return self._read(
            "SELECT runs.*, COUNT(calls.id) AS calls, SUM(COALESCE(calls.prompt_tokens, "
            "calls.counted_prompt_tokens)) AS prompt_tokens FROM runs LEFT JOIN calls ON calls.run_id = runs.id "
            "GROUP BY runs.id ORDER BY runs.id DESC LIMIT ?", (limit,))

    def calls_of(self, run_id: int) -> list[dict[str, Any]]:
        """Every model call made for a run, in order."""
        return self._read("SELECT * FROM calls WHERE run_id = ? ORDER BY id", (run_id,))

    def record_egress(self, record: Any) -> None:
        """Append one outbound request (an egress.EgressRecord): where, how many bytes, whose text, what was
        redacted, or why it was refused. Never the text itself."""
        self._write("INSERT INTO egress (sent_at, endpoint, reach, kind, bytes, sources, redactions, refused) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (_now(), record.endpoint, record.reach, record.kind, record.bytes, _json(record.sources),
                     _json(record.redactions), record.refused or None))

    def egress(self, limit: int = 50) -> list[dict[str, Any]]:
        """The latest outbound requests, newest first."""
        rows = self._read("SELECT * FROM egress ORDER BY id DESC LIMIT ?", (limit,))
        for row in rows:
            row["sources"] = json.loads(row["sources"] or "[]")
            row["redactions"] = json.loads(row["redactions"] or "{}")
        return rows

    def calls_after(self, call_id: int) -> list[dict[str, Any]]:
        """Every model call logged after the call numbered `call_id` (0: all), in order, whatever its run."""
        return self._read("SELECT * FROM calls WHERE id > ? ORDER BY id", (call_id,))

    def last_call_id(self) -> int:
        """The number of the latest logged call (0 when there is none)."""
        rows = self._read("SELECT COALESCE(MAX(id), 0) AS last FROM calls")
        return int(rows[0]["last"])


def _migrate(connection: sqlite3.Connection) -> None:
    """Apply the migrations this file has not seen yet (PRAGMA user_version counts them)."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    with connection:
        for number, statement in enumerate(_MIGRATIONS[version:], start=version + 1):
            connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {number}")


def _json(value: Any) -> str:
    """Compact JSON that keeps Chinese readable in the file."""
    return json.dumps(value, ensure_ascii=False)
