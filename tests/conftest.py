"""Shared fixtures: the network guard, an isolated environment, the real corpus in a real store, a Chroma server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path
from typing import Iterator

import pytest

from tests import netguard

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
SAMPLE_SOURCES = sorted(path.name for path in CORPUS.glob("*.txt"))

netguard.install()


@pytest.fixture(autouse=True)
def isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No user configuration leaks into a test: no ZONGJIE_*/OPENAI_* variables, no zongjie.toml in cwd."""
    for variable in list(os.environ):
        if variable.startswith(("ZONGJIE_", "OPENAI_")):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("ZONGJIE_CONFIG", str(tmp_path / "no-such-zongjie.toml"))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    """The five sample reports shipped in the repository."""
    return CORPUS


@pytest.fixture(scope="session")
def local_workspace(tmp_path_factory: pytest.TempPathFactory):
    """The sample corpus ingested once, with the real bundled embedder, into an embedded Chroma store."""
    from agent.settings import Settings
    from agent.workspace import Workspace

    store = tmp_path_factory.mktemp("store-local")
    workspace = Workspace(Settings(store=store, corpus=CORPUS))
    workspace.ingest([CORPUS])
    return workspace


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real `chroma run` server on 127.0.0.1, for the server-mode tests."""
    executable = shutil.which("chroma")
    if executable is None:
        pytest.fail("the `chroma` command (from the chromadb package) is not on PATH")
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    env = dict(os.environ, ANONYMIZED_TELEMETRY="False")
    log = (data / "server.log").open("w")
    process = subprocess.Popen([executable, "run", "--path", str(data / "db"), "--host", "127.0.0.1",
                                "--port", str(port)], stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_port(port, process, timeout=60)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_for_port(port: int, process: subprocess.Popen, timeout: float) -> None:
    """Block until the server accepts connections (or fail with its exit status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"chroma server exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail("chroma server did not start within the timeout")


@pytest.fixture
def openai_server():
    """A real OpenAI-compatible HTTP server on 127.0.0.1 (scripted replies, injected faults)."""
    from agent.evals.openai_server import OpenAITestServer

    with OpenAITestServer() as server:
        yield server


@pytest.fixture
def llm_workspace(local_workspace, openai_server, tmp_path: Path):
    """The ingested sample corpus answered by the test server's model, with a run log of its own."""
    from agent.model.runlog import RunLog
    from agent.settings import Settings
    from agent.workspace import Workspace

    settings = Settings(store=local_workspace.settings.store, corpus=CORPUS, provider="openai",
                        base_url=openai_server.base_url, api_key="sk-test-secret-0123456789", model="test-model",
                        timeout=2.0, max_retries=2, retry_wait=0.01)
    workspace = Workspace(settings, embedder=local_workspace.embedder)
    workspace.run_log = RunLog(tmp_path / "runs.sqlite", secrets=(settings.api_key,))
    return workspace
