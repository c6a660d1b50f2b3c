"""Chat over HTTP: one conversation per browser session, each answer streamed as server-sent events.

The answer is produced by the same `ChatSession` as `zongjie chat`, in a worker thread; its checked pieces reach
the browser as `text` events, then one `done` event with the citations (and each cited passage whole, for the
panel that opens on a [S1]). A browser that goes away (the stop button) stops the answer at the next piece.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import OrderedDict
from typing import Any, AsyncIterator, Callable

from ..answer.ask import Answer
from ..answer.chat import ChatSession, Rewriter
from ..answer.engines import make_engine
from ..answer.guard import is_refusal
from ..errors import ZongjieError

MAX_SESSIONS = 200


class Stopped(Exception):
    """The browser stopped listening."""


class ChatHub:
    """The conversations of the browsers talking to this server (the oldest forgotten past MAX_SESSIONS)."""

    def __init__(self, workspace: Any, with_passages: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> None:
        self.workspace = workspace
        self.with_passages = with_passages
        self.sessions: OrderedDict[str, tuple[ChatSession, threading.Lock]] = OrderedDict()
        self.lock = threading.Lock()

    def session(self, session_id: str) -> tuple[ChatSession, threading.Lock]:
        with self.lock:
            if session_id not in self.sessions:
                engine = make_engine(self.workspace, agent=True)
                chat = ChatSession(engine=engine, rewriter=Rewriter(engine.chat_model),
                                   run_log=self.workspace.run_log)
                self.sessions[session_id] = (chat, threading.Lock())
                while len(self.sessions) > MAX_SESSIONS:
                    self.sessions.popitem(last=False)
            self.sessions.move_to_end(session_id)
            return self.sessions[session_id]

    def reset(self, session_id: str) -> None:
        with self.lock:
            self.sessions.pop(session_id, None)

    async def stream(self, session_id: str, question: str) -> AsyncIterator[str]:
        """The SSE events of one answer."""
        loop = asyncio.get_running_loop()
        events: asyncio.Queue[tuple[str, Any]] = asyncio.Queue()
        stop = threading.Event()
        put = lambda kind, data: loop.call_soon_threadsafe(events.put_nowait, (kind, data))  # noqa: E731

        def show(piece: str) -> None:
            if stop.is_set():
                raise Stopped
            put("text", {"text": piece})

        def answer() -> None:
            chat, busy = self.session(session_id)
            try:
                with busy:
                    put("done", self.done_event(chat.ask(question, show)))
            except Stopped:
                put("end", None)
            except ZongjieError as error:
                put("error", {"error": str(error)})
            except Exception as error:  # noqa: BLE001 - the browser gets one line, not a dropped connection
                put("error", {"error": f"回答时出错：{type(error).__name__}"})
                raise

        threading.Thread(target=answer, name=f"chat-{session_id[:8]}", daemon=True).start()
        try:
            while True:
                kind, data = await events.get()
                if kind == "end":
                    return
                yield sse(kind, data)
                if kind in ("done", "error"):
                    return
        finally:
            stop.set()

    def done_event(self, answer: Answer) -> dict[str, Any]:
        """The whole answer, with each cited passage for the citation panel."""
        return {"answer": answer.text, "citations": self.with_passages(answer.citations), "grounded": answer.grounded,
                "refused": is_refusal(answer.text), "warnings": answer.warnings}


def sse(kind: str, data: Any) -> str:
    """One server-sent event."""
    return f"event: {kind}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"
