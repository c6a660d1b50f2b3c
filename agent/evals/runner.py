"""`zongjie eval`: run the cases in each mode, compare with goldens and the baseline, and build the report.

Modes:
  offline  the extractive engine on a fresh store of corpus/; ask, draft and brief outputs compared with goldens.
           Test-split cases run on a store of corpus/ and evals/reports/ (public reports the dev cases never saw),
           are checked by their deterministic metrics only (no goldens) and are summarised apart from dev.
  replay   the LLM path of the cases that have recorded replies (evals/replay/<suite>.yaml), served in order by
           the local OpenAI-compatible server, so CI checks what the guards make of real (and bad) model output.
  live     the configured endpoint, for people with a key; judge metrics when a model is configured, and with
           `record` the replies are saved as the replay cassettes.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterator

from ..errors import UserError, ZongjieError
from ..settings import Settings
from ..workspace import Workspace
from .cases import DEV, SPLITS, SUITES, TEST, Case, load_cases
from .cassettes import Cassettes
from .checks import Check
from .goldens import DIFFERS, MATCH, MISSING, STALE, Fingerprint, Goldens, fingerprints
from .metrics import SuiteSummary, read_baseline, summarize, write_baseline
from .rouge import rouge_l_char, rouge_l_word
from .suites import RUNNERS, CaseResult, SuiteContext, ask_golden_text
from .check_suite import run_check
from .compare_suite import run_compare
from .whole_suite import run_whole

MODES = ("offline", "replay", "live")
GOLDEN_SUITES = ("ask", "draft", "brief")
_NOT_REPORTS = ("SOURCES.md", "README.md")
Notify = Callable[[str], None]
OnCase = Callable[[CaseResult], None]


@dataclass
class EvalOptions:
    """What to run and where things are (paths relative to the repository root by default)."""

    evals_dir: Path = Path("evals")
    corpus: Path = Path("corpus")
    prompts_dir: Path = Path("prompts")
    modes: tuple[str, ...] = ("offline", "replay")
    suites: tuple[str, ...] = SUITES
    case_ids: tuple[str, ...] = ()
    live_settings: Settings | None = None
    record: bool = False
    update_baseline: bool = False
    store: Path | None = None     # an already ingested store of the corpus to reuse (default: a fresh one)

    @property
    def baseline_path(self) -> Path:
        return self.evals_dir / "baseline.json"

    @property
    def public_reports(self) -> Path:
        """Reports the test split asks about besides the corpus (evals/reports/, with their sources)."""
        return self.evals_dir / "reports"

    @property
    def long_reports(self) -> Path:
        """Long public reports (政府工作报告, 党代会 reports) the brief suite condenses (evals/briefs/)."""
        return self.evals_dir / "briefs"

    def check(self) -> None:
        unknown = [mode for mode in self.modes if mode not in MODES]
        if unknown:
            raise UserError(f"未知的评测模式：{'、'.join(unknown)}（可选：offline、replay、live）")
        bad_suites = [suite for suite in self.suites if suite not in SUITES]
        if bad_suites:
            raise UserError(f"未知的评测套件：{'、'.join(bad_suites)}（可选：{'、'.join(SUITES)}）")
        if not self.corpus.is_dir():
            raise UserError(f"找不到样例报告目录 {self.corpus}：请在仓库根目录运行，或用 --corpus 指定")
        if "live" in self.modes and (self.live_settings is None or self.live_settings.is_offline):
            raise UserError("live 模式需要配置模型接口：--provider openai --base-url … --model …（或 zongjie.toml）")
        if self.record and "live" not in self.modes:
            raise UserError("--record 只能与 --mode live 同用：录制的是真实接口的回复")


@dataclass
class EvalRun:
    """Everything one `zongjie eval` produced."""

    results: list[CaseResult] = field(default_factory=list)
    summaries: list[SuiteSummary] = field(default_factory=list)
    fingerprints: dict[str, Fingerprint] = field(default_factory=dict)
    duration_s: float = 0.0
    started: str = ""

    @property
    def regressions(self) -> list[str]:
        return [line for summary in self.summaries for line in summary.regressions]

    @property
    def passed(self) -> bool:
        return not self.regressions and not any(
            r.golden and r.golden.status == DIFFERS for r in self.results)


def run_eval(options: EvalOptions, notify: Notify | None = None, on_case: OnCase | None = None) -> EvalRun:
    """Run every selected case in every selected mode and score it."""
    options.check()
    notify, on_case = notify or (lambda message: None), on_case or (lambda result: None)
    run = EvalRun(started=time.strftime("%Y-%m-%d %H:%M:%S"))
    began = time.monotonic()
    cases = _selected(options)
    goldens = Goldens(options.evals_dir / "goldens")
    run.fingerprints = fingerprints(options.corpus, options.prompts_dir, SUITES)
    baseline = read_baseline(options.baseline_path)
    with _scratch() as scratch:
        long_reports = _LongReports(options, scratch, notify)
        for split in SPLITS:
            in_split = [case for case in cases if case.split == split]
            if not in_split:
                continue
            workspace = _offline_workspace(options, scratch, notify, held_out=split == TEST)
            chunk_text = _chunk_reader(workspace)
            for mode in options.modes:
                results = _run_mode(mode, in_split, workspace, chunk_text, options, scratch / split, notify, on_case,
                                    long_reports)
                for result in results:
                    if split == DEV:
                        _compare_golden(result, goldens, run.fingerprints[result.case.suite])
                run.results += results
                for suite in options.suites:
                    in_suite = [r for r in results if r.case.suite == suite]
                    if in_suite:
                        run.summaries.append(summarize(suite, mode, in_suite, baseline, split))
    if options.update_baseline:
        write_baseline(options.baseline_path, run.summaries, baseline)
    run.duration_s = time.monotonic() - began
    return run


def planned_runs(options: EvalOptions) -> int:
    """How many case runs `run_eval` will make (for a progress bar)."""
    cases = _selected(options)
    generative = [case for case in cases if case.suite in GOLDEN_SUITES]
    cassettes = Cassettes(options.evals_dir / "replay")
    per_mode = {"offline": len(cases), "replay": sum(cassettes.has(case) for case in generative),
                "live": len(generative)}
    return sum(per_mode[mode] for mode in options.modes)


def approve(options: EvalOptions, case_ids: tuple[str, ...], notify: Notify | None = None) -> list[str]:
    """Make the current offline output of the cases (all golden cases when none are named) their goldens."""
    notify = notify or (lambda message: None)
    suites = tuple(suite for suite in options.suites if suite in GOLDEN_SUITES)
    options = replace(options, modes=("offline",), suites=suites, case_ids=case_ids)
    options.check()
    cases = [case for case in _selected(options) if case.split == DEV]   # the test split has no goldens
    goldens = Goldens(options.evals_dir / "goldens")
    current = fingerprints(options.corpus, options.prompts_dir, suites)
    approved = []
    with _scratch() as scratch:
        workspace = _offline_workspace(options, scratch, notify)
        results = _run_mode("offline", cases, workspace, _chunk_reader(workspace), options, scratch, notify,
                            lambda result: None, _LongReports(options, scratch, notify))
        for result in results:
            if result.error:
                raise UserError(f"用例 {result.case.id} 运行出错，未更新金标准：{result.error}")
            goldens.approve(result.case.suite, result.case.id, golden_text(result), current[result.case.suite])
            approved.append(result.case.id)
    return approved


def _selected(options: EvalOptions) -> list[Case]:
    cases = load_cases(options.evals_dir / "cases", options.suites)
    if not options.case_ids:
        return cases
    known = {case.id for case in load_cases(options.evals_dir / "cases")}
    unknown = [case_id for case_id in options.case_ids if case_id not in known]
    if unknown:
        raise UserError(f"没有这些评测用例：{'、'.join(unknown)}")
    return [case for case in cases if case.id in options.case_ids]


@contextlib.contextmanager
def _scratch() -> Iterator[Path]:
    """A scratch folder for the eval's own store, run folders and facts files, removed afterwards."""
    path = Path(tempfile.mkdtemp(prefix="zongjie-eval-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _offline_workspace(options: EvalOptions, scratch: Path, notify: Notify, held_out: bool = False) -> Workspace:
    """The sample corpus ingested into a fresh embedded store with the bundled embedder; for the test split, with
    the public reports of evals/reports/ beside it."""
    sources = [options.corpus, *(report_files(options.public_reports) if held_out else [])]
    store = scratch / "store-test" if held_out else options.store or scratch / "store"
    return _ingested(Settings(store=store, corpus=options.corpus), sources, notify)


def report_files(folder: Path) -> list[Path]:
    """The reports of an evals folder: its files but the notes on where they came from (SOURCES.md, README.md)."""
    if not folder.is_dir():
        return []
    return sorted(path for path in folder.iterdir() if path.is_file() and path.name not in _NOT_REPORTS)


def _ingested(settings: Settings, sources: list[Path], notify: Notify) -> Workspace:
    notify(f"导入{'、'.join(str(source) for source in sources[:3])}{'等' if len(sources) > 3 else ''} 到临时资料库……")
    workspace = Workspace(settings)
    result = workspace.ingest(sources)
    if result.failed:
        raise UserError(f"评测报告导入失败：{result.failed[0]}")
    return workspace


class _LongReports:
    """The long public reports the brief suite condenses, in a store of their own ingested on first use (the ask
    and draft stores never hold them: their answers would change)."""

    def __init__(self, options: EvalOptions, scratch: Path, notify: Notify) -> None:
        self.options, self.scratch, self.notify = options, scratch, notify
        self._context: SuiteContext | None = None

    def __call__(self) -> SuiteContext:
        if self._context is None:
            settings = Settings(store=self.scratch / "store-briefs", corpus=self.options.corpus)
            workspace = _ingested(settings, report_files(self.options.long_reports), self.notify)
            self._context = SuiteContext(workspace, self.scratch / "briefs", _chunk_reader(workspace))
        return self._context


def _run_mode(mode: str, cases: list[Case], offline: Workspace, chunk_text: Callable[[str], "str | None"],
              options: EvalOptions, scratch: Path, notify: Notify, on_case: OnCase,
              long_reports: "_LongReports | None" = None) -> list[CaseResult]:
    """The cases of one mode, each result handed to `on_case` as it is done."""
    if mode == "offline":
        context = SuiteContext(offline, scratch / "offline", chunk_text, long_reports,
                               root=options.evals_dir.resolve().parent)
        return [_run_case(case, context, mode, on_case) for case in cases]
    generative = [case for case in cases if case.suite in GOLDEN_SUITES]
    if mode == "replay":
        from .replay import replay_cases

        cassettes = Cassettes(options.evals_dir / "replay")
        chosen = [case for case in generative if cassettes.has(case)]
        return replay_cases(chosen, cassettes, offline, SuiteContext(offline, scratch / "replay", chunk_text),
                            lambda case, context: _run_case(case, context, mode, on_case))
    from .live import live_cases

    return live_cases(generative, options, offline, SuiteContext(offline, scratch / "live", chunk_text), notify,
                      lambda case, context: _run_case(case, context, mode, on_case))


def _run_case(case: Case, context: SuiteContext, mode: str, on_case: OnCase) -> CaseResult:
    """One case; a case that crashes is reported as failed with the error, and the run goes on."""
    context.scratch.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        runners = {**RUNNERS, "whole": run_whole, "check": run_check, "compare": run_compare}
        result = runners[case.suite](case, context)
    except ZongjieError as error:
        result = CaseResult(case, mode, error=str(error))
    except Exception as error:  # noqa: BLE001 - an eval reports a crashing case instead of stopping
        result = CaseResult(case, mode, error=f"{type(error).__name__}: {error}\n{traceback.format_exc(limit=6)}")
    result.mode = mode
    result.metrics["seconds"] = time.monotonic() - started
    on_case(result)
    return result


def _chunk_reader(workspace: Workspace) -> Callable[[str], "str | None"]:
    """chunk_id → the stored passage as the reader sees it: its headings, then its text."""
    texts = {chunk.chunk_id: "\n".join([*chunk.heading_path, chunk.text]) for chunk in workspace.store.iter_chunks()}
    return texts.get


def golden_text(result: CaseResult) -> str:
    """What a case's golden stores: the answer with its citations, or the draft/brief Markdown."""
    return ask_golden_text(result) if result.case.suite == "ask" else result.output


def _compare_golden(result: CaseResult, goldens: Goldens, current: Fingerprint) -> None:
    """Offline: the output must equal its golden. Every mode: ROUGE-L against the golden, when there is one."""
    if result.case.suite not in GOLDEN_SUITES or result.error:
        return
    output = golden_text(result)
    if result.mode == "offline":
        result.golden = goldens.compare(result.case.suite, result.case.id, output, current)
        _golden_check(result)
        reference = result.golden.golden
    else:
        reference = goldens.read(result.case.suite, result.case.id)
    if reference is not None and (result.golden is None or result.golden.status != STALE):
        result.metrics["rouge_l_char"] = rouge_l_char(output, reference)
        result.metrics["rouge_l_word"] = rouge_l_word(output, reference)


def _golden_check(result: CaseResult) -> None:
    """The offline output against its golden, as a check (blocking only for an unreviewed change)."""
    golden = result.golden
    if golden.status in (MATCH, DIFFERS):
        result.metrics["golden_match"] = float(golden.status == MATCH)
    hint = f"审阅差异后运行 zongjie eval approve {result.case.id}"
    detail = {DIFFERS: f"输出与金标准不同：{hint}", STALE: f"金标准是在另一版样例报告下生成的：{hint}",
              MISSING: f"还没有金标准：{hint}"}.get(golden.status, "")
    result.add(Check("golden", "与金标准一致", golden.status == MATCH, detail, blocking=golden.status == DIFFERS))
