"""CI: the installed wheel works on its own. Run with the Python of a fresh venv that holds only the wheel, from an
empty folder: ingest the sample reports, ask and draft offline, and ask once through the OpenAI-compatible test
server (so the prompt files must be inside the wheel). Exits non-zero, saying why, on the first failure."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

CORPUS = Path(sys.argv[1]).resolve()
ZONGJIE = Path(sys.executable).with_name("zongjie")


def run(*arguments: str) -> dict:
    """One `zongjie … --json` in the current folder; its JSON document."""
    done = subprocess.run([str(ZONGJIE), *arguments, "--json"], capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.exit(f"zongjie {' '.join(arguments)} exited {done.returncode}:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout)


def check(condition: bool, what: str) -> None:
    print(("ok    " if condition else "FAILED ") + what)
    if not condition:
        sys.exit(1)


def main() -> None:
    import agent
    from agent.evals.openai_server import OpenAITestServer
    from agent.model.prompts import load_prompt, prompts_dir

    installed = Path(agent.__file__).resolve().parent
    check("site-packages" in installed.parts, f"agent is imported from the installed wheel ({installed})")
    check(prompts_dir().is_relative_to(installed), f"prompts are read from the package ({prompts_dir()})")
    ingested = run("ingest", str(CORPUS))
    check(ingested["reports"] == 5 and not ingested["failed"], f"ingest: {ingested['reports']} reports")
    answer = run("ask", "哪份报告提到了红色驿站？")
    check(answer["grounded"] and answer["citations"], f"ask offline: {answer['answer'][:40]}")
    draft = run("draft", "--section", "党风廉政")
    check(bool(draft["outline"]) and bool(draft["citations"]), f"draft offline: {len(draft['text'])} chars")
    with OpenAITestServer() as server:
        model_answer = run("ask", "哪份报告提到了红色驿站？", "--provider", "openai", "--model", "test-model",
                           "--base-url", server.base_url)
        system_prompt = server.chat_requests()[-1]["messages"][0]["content"]
    check(model_answer["engine"] == "llm" and model_answer["grounded"], "ask through the test server")
    check(system_prompt == load_prompt("ask/system").render(), "the model was sent the packaged ask/system prompt")


if __name__ == "__main__":
    main()
