"""With a chat model and query_rewrite = "on", a search also uses the reports' words for the question, as the
model names them: cached per question, logged, and never needed (a failing endpoint leaves the offline search).
Against the local OpenAI-compatible test server, on the real sample reports and the real embedder."""

from __future__ import annotations

from dataclasses import replace

import pytest

from agent.evals.openai_server import Fault
from agent.library.rewrite import parse_terms
from agent.workspace import Workspace

QUESTION = "班子决策不能一个人说了算"
ANSWER = "坚决不搞“一言堂”"


@pytest.fixture
def rewriting(llm_workspace, tmp_path):
    settings = replace(llm_workspace.settings, query_rewrite="on", store=llm_workspace.settings.store)
    workspace = Workspace(settings, embedder=llm_workspace.embedder)
    workspace.run_log = llm_workspace.run_log
    workspace.retriever.cache_dir = tmp_path / "derived"   # caches of its own, not the shared store's
    workspace.retriever.rewriter.cache_path = tmp_path / "derived" / "rewrites.json"
    return workspace


def _found(hits) -> bool:
    return any(ANSWER in hit.text for hit in hits)


def test_the_models_words_find_what_the_question_misses(local_workspace, rewriting, openai_server) -> None:
    assert not _found(local_workspace.search(QUESTION, k=5))   # offline, the colloquial question misses it
    openai_server.script("一言堂 民主集中制 末位表态")
    assert _found(rewriting.search(QUESTION, k=5))
    requests = openai_server.chat_requests()
    assert len(requests) == 1 and QUESTION in requests[0]["messages"][-1]["content"]
    assert _found(rewriting.search(QUESTION, k=5)) and len(openai_server.chat_requests()) == 1   # cached
    assert rewriting.retriever.rewriter.cache_path.is_file()


def test_a_failing_endpoint_leaves_the_offline_search(local_workspace, rewriting, openai_server) -> None:
    openai_server.state.faults.extend([Fault(status=500)] * 3)
    offline = [hit.chunk_id for hit in local_workspace.search("纠正享乐主义和奢靡之风", k=5)]
    assert [hit.chunk_id for hit in rewriting.search("纠正享乐主义和奢靡之风", k=5)] == offline


def test_the_reply_is_read_as_words_only() -> None:
    reply = "1. 一言堂、民主集中制\n“末位表态” 3次 a 说了算 以下是词语：\n"
    assert parse_terms(reply, "说了算") == ["一言堂", "民主集中制", "末位表态"]
