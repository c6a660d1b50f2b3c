"""`zongjie ask`: retrieve → evidence → answer with [S#] keys → citation check → number guard, streamed.

The guards run on each sentence before it is shown (guard.py), so a streamed answer never displays an
invented key or figure, and the JSON answer is exactly the text the user saw.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

from ..errors import ModelError
from ..library.retrieve import SearchFilters
from ..model.llm import StreamInterrupted
from ..model.runlog import RunLog
from .engines import Engine
from .evidence import Evidence
from .guard import REFUSAL, AnswerGuard

OnText = Callable[[str], None]
_RESTART_NOTE = "\n〔连接中断，以下为重新生成的回答〕\n"


@dataclass
class Answer:
    """A checked answer, as the JSON contract describes it (plus what chat needs)."""

    question: str
    text: str
    citations: list[dict[str, Any]]
    grounded: bool
    engine: str
    model: str | None
    warnings: list[str] = field(default_factory=list)
    query: str = ""
    evidence: Evidence = field(default_factory=Evidence, repr=False)
    run_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's ask document."""
        return {"question": self.question, "answer": self.text, "citations": self.citations,
                "grounded": self.grounded, "engine": self.engine, "model": self.model, "warnings": self.warnings}


def answer_question(question: str, engine: Engine, run_log: RunLog | None = None, on_text: OnText | None = None,
                    filters: SearchFilters | None = None, standalone: Callable[[], str] | None = None,
                    command: str = "ask") -> Answer:
    """Answer `question`, streaming checked text to `on_text` and recording the run. `standalone` rewrites a
    follow-up into the question actually searched and answered (called inside the run, so its model call is
    logged with it)."""
    show = on_text or (lambda text: None)
    started = time.monotonic()
    run_id = run_log.start_run(command, question, engine.kind, engine.model) if run_log else None
    _attach_run(engine, run_id)
    try:
        query = standalone() if standalone else question
        evidence = engine.prepare(query, filters)
        guard = _answer(query, engine, evidence, show)
    except ModelError as error:
        if run_log and run_id is not None:
            run_log.finish_run(run_id, "", [], [], False, _elapsed(started), error=str(error))
        raise
    answer = Answer(question=question, text=guard.shown.strip(), citations=guard.citations(),
                    grounded=guard.grounded, engine=engine.kind, model=engine.model,
                    warnings=guard.report.warnings(), query=query, evidence=evidence, run_id=run_id)
    if run_log and run_id is not None:
        run_log.finish_run(run_id, answer.text, answer.citations, answer.warnings, answer.grounded,
                           _elapsed(started))
    return answer


def _answer(question: str, engine: Engine, evidence: Evidence, show: OnText) -> AnswerGuard:
    """Stream the engine's answer through the guards; refuse without asking anything when there is no
    evidence; start over once if the stream breaks part-way."""
    guard = AnswerGuard(evidence, [question, *evidence.derived])
    if not evidence and not engine.gathers_evidence:
        show(guard.feed(REFUSAL) + guard.finish())
        return guard
    try:
        _stream_into(guard, engine.generate(question, evidence), show)
    except StreamInterrupted:
        if guard.shown:  # the user saw part of the broken answer: say that a new one follows
            show(_RESTART_NOTE)
        guard = AnswerGuard(evidence, [question, *evidence.derived])
        _stream_into(guard, engine.generate(question, evidence), show)
    return guard


def _stream_into(guard: AnswerGuard, pieces: Any, show: OnText) -> None:
    """Feed pieces to the guard, showing checked text as soon as a sentence is complete."""
    for piece in pieces:
        checked = guard.feed(piece)
        if checked:
            show(checked)
    rest = guard.finish()
    if rest:
        show(rest)


def _attach_run(engine: Engine, run_id: int | None) -> None:
    """Tell the engine's chat model which run its calls belong to (for the run log)."""
    if engine.chat_model is not None:
        engine.chat_model.run_id = run_id


def _elapsed(started: float) -> float:
    """Milliseconds since `started`."""
    return (time.monotonic() - started) * 1000
