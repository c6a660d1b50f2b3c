"""Replay mode: each case's recorded replies served in order by the local OpenAI-compatible server."""

from __future__ import annotations

from typing import Callable

from ..settings import Settings
from ..workspace import Workspace
from .cases import Case
from .cassettes import Cassettes, check_replay
from .openai_server import OpenAITestServer, Reply
from .suites import CaseResult, SuiteContext

RunCase = Callable[[Case, SuiteContext], CaseResult]
RAN_OUT = "〔回放记录已用完〕"
REPLAY_MODEL = "replay-model"


def replay_cases(cases: list[Case], cassettes: Cassettes, offline: Workspace, context: SuiteContext,
                 run_case: RunCase) -> list[CaseResult]:
    """Run each case's LLM path against the server scripted with its cassette."""
    if not cases:
        return []
    results = []
    with OpenAITestServer() as server:
        server.responder = lambda body: Reply(content=RAN_OUT)
        replayed = SuiteContext(_replay_workspace(offline, server.base_url), context.scratch, context.chunk_text)
        for case in cases:
            cassette = cassettes.get(case)
            before = len(server.chat_requests())
            server.script(*cassette.replies)
            result = run_case(case, replayed)
            with server.state.lock:
                server.state.replies.clear()   # replies this run did not ask for must not leak into the next
            found, stale = check_replay(result.output, cassette, len(server.chat_requests()) - before)
            for check in found:
                result.add(check)
            result.stale_reason = stale
            result.replay = {"flaw": cassette.flaw, "note": cassette.note}
            results.append(result)
    return results


def _replay_workspace(offline: Workspace, base_url: str) -> Workspace:
    """The offline workspace's store and embedder, answered by the replay server (no retries: one reply each)."""
    settings = Settings(store=offline.settings.store, corpus=offline.settings.corpus, provider="openai",
                        base_url=base_url, api_key="replay", model=REPLAY_MODEL, timeout=30.0, max_retries=0,
                        retry_wait=0.0)
    return Workspace(settings, embedder=offline.embedder)
