"""The embedder seam: the bundled local model, an OpenAI-compatible endpoint over real HTTP, the test fake."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.model.embedders import FakeEmbedder, LocalEmbedder, OpenAIEmbedder, make_embedder
from agent.errors import ModelError, UserError

from .conftest import CORPUS
from agent.evals.openai_server import OpenAITestServer


def test_local_embedder_places_related_official_phrases_close_and_unrelated_ones_far() -> None:
    vectors = LocalEmbedder().embed(["廉政", "全面从严治党", "老旧小区改造"])
    assert vectors.shape == (3, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_local_embedder_gives_each_passage_the_same_vector_in_parallel_batches_as_alone() -> None:
    passages = [line for line in (CORPUS / "001_b1a17815476a7810.txt").read_text(encoding="utf-8").splitlines()
                if len(line) > 20][:40]
    together = LocalEmbedder(threads=2, batch_size=3).embed(passages)   # 14 batches over two workers
    one_by_one = LocalEmbedder(threads=1, batch_size=1).embed(passages)
    assert together.shape == (len(passages), 512)
    assert np.allclose(together, one_by_one, atol=1e-5)   # in order, and batching changes nothing


def test_fake_embedder_is_deterministic_and_similarity_follows_shared_characters() -> None:
    fake = FakeEmbedder()
    first, again, similar, other = fake.embed(["警示教育", "警示教育", "开展警示教育活动", "老旧小区改造"])
    assert np.array_equal(first, again)
    assert first @ similar > first @ other


def test_embedder_specs_and_unknown_spec_error() -> None:
    assert isinstance(make_embedder("local"), LocalEmbedder)
    assert make_embedder("openai:bge-m3", base_url="http://127.0.0.1:1/v1").name == "openai:bge-m3"
    with pytest.raises(UserError, match="未知的嵌入模型设置"):
        make_embedder("word2vec")


def test_openai_compatible_embeddings_send_text_with_the_configured_key() -> None:
    with OpenAITestServer() as server:
        embedder = OpenAIEmbedder(model="bge-m3", base_url=server.base_url, api_key="sk-test-key")
        vectors = embedder.embed(["严格落实三会一课", "开展警示教育"])
    assert vectors.shape == (2, 64)
    request = server.state.requests[0]
    assert request["path"] == "/v1/embeddings" and request["body"]["model"] == "bge-m3"
    assert request["body"]["input"] == ["严格落实三会一课", "开展警示教育"]  # text, not token arrays
    assert request["authorization"] == "Bearer sk-test-key"


def test_a_429_with_retry_after_is_retried_and_succeeds() -> None:
    with OpenAITestServer() as server:
        server.state.faults.append((429, {"Retry-After": "0"}))
        vectors = OpenAIEmbedder(model="m", base_url=server.base_url, max_retries=2).embed(["信访"])
    assert vectors.shape == (1, 64)
    assert len(server.state.requests) == 2


def test_an_endpoint_that_keeps_failing_is_a_model_error_naming_it() -> None:
    with OpenAITestServer() as server:
        server.state.faults.extend([(500, {})] * 5)
        with pytest.raises(ModelError, match="嵌入接口调用失败") as raised:
            OpenAIEmbedder(model="m", base_url=server.base_url, max_retries=1, timeout=5).embed(["信访"])
    assert server.base_url in str(raised.value)


def test_cli_ingests_and_searches_through_an_openai_compatible_embedder(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    with OpenAITestServer() as server:
        monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env")
        options = ["--embedder", "openai:test-embed", "--base-url", server.base_url, "--json"]
        ingested = runner.invoke(app, ["ingest", "corpus", *options])
        searched = runner.invoke(app, ["search", "三会一课", "-k", "3", *options])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)["added"] == 5
    assert any("三会一课" in hit["text"] for hit in json.loads(searched.stdout)["hits"])
    assert {request["authorization"] for request in server.state.requests} == {"Bearer sk-from-env"}


def test_cli_endpoint_failure_exits_3_without_a_traceback(tmp_path: Path, monkeypatch) -> None:
    shutil.copytree(CORPUS, tmp_path / "corpus")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["ingest", "corpus", "--embedder", "openai:m",
                                      "--base-url", "http://127.0.0.1:9/v1"])
    assert result.exit_code == 3
    assert "嵌入接口调用失败" in result.stderr and "Traceback" not in result.output
