"""The zongjie command line: thin typer commands that parse, call one library function, and render."""

from __future__ import annotations

import functools
import inspect
import json
import logging
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Callable, Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.tree import Tree

from .answer.ask import answer_question
from .answer.chat import ChatSession, Rewriter, format_sources, run_repl
from .answer.engines import Engine, make_engine
from .errors import UserError, ZongjieError
from .library.ingest import discover_files
from .library.retrieve import OWN, REFERENCE, SearchFilters
from .library.topics import resolve_section
from .model.config_check import check_settings, effective_model_rows
from .model.log_view import render_egress_table, render_log_table
from .model.runlog import RunLog
from .settings import Settings, load_settings
from .workspace import OutlineNode, Workspace

app = typer.Typer(
    help="总结（zongjie）：把历年工作总结、述职报告放进本地资料库，检索、问答、起草、摘要，引用有据，默认离线。",
    no_args_is_help=True, add_completion=False, rich_markup_mode=None)
out = Console()
err = Console(stderr=True)

@app.callback()
def _quiet_libraries() -> None:
    # pypdf logs English warnings ("EOF marker not found") before our one-line Chinese error says the same.
    logging.getLogger("pypdf").setLevel(logging.ERROR)


_COMMON_OPTIONS: dict[str, tuple[Any, Any, Any]] = {  # name: (type, option, default), in the order --help shows them
    "store": (Optional[Path], typer.Option("--store", help="资料库目录（默认 ./.zongjie，环境变量 ZONGJIE_HOME）"), None),
    "store_url": (Optional[str], typer.Option("--store-url", help="Chroma 服务地址，如 http://127.0.0.1:8000"), None),
    "provider": (Optional[str], typer.Option("--provider", help="offline（默认，抽取式）或 openai（兼容接口）"), None),
    "model": (Optional[str], typer.Option("--model", help="对话模型名"), None),
    "base_url": (Optional[str], typer.Option("--base-url", help="OpenAI 兼容接口地址"), None),
    "embedder": (Optional[str], typer.Option("--embedder", help="local（内置离线模型，默认）或 openai:模型名"), None),
    "as_json": (bool, typer.Option("--json", help="只在标准输出打印一个 JSON 文档"), False),
}
_SETTINGS_OPTIONS = ("store", "store_url", "provider", "model", "base_url", "embedder")


@dataclass(frozen=True)
class Common:
    """The options every command accepts after its own (declared once, in `_COMMON_OPTIONS`)."""

    flags: dict[str, Any] = field(default_factory=dict)   # the settings flags given: store, provider, model …
    as_json: bool = False

    def settings(self, **fallbacks: Any) -> Settings:
        """Settings from these flags over env and zongjie.toml; `fallbacks` stand in for flags not given."""
        return load_settings({name: fallbacks.get(name) if self.flags.get(name) is None else self.flags[name]
                              for name in _SETTINGS_OPTIONS})

    def workspace(self) -> Workspace:
        """The workspace these flags describe."""
        return Workspace(self.settings())


def common_options(*names: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Append the common options (all of them, or those named) to a command's own; the command takes them as one
    `common: Common` parameter."""
    chosen = names or tuple(_COMMON_OPTIONS)

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        own = [parameter for parameter in signature.parameters.values() if parameter.name != "common"]
        added = [inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default,
                                   annotation=Annotated[kind, option])
                 for name, (kind, option, default) in _COMMON_OPTIONS.items() if name in chosen]

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            flags = {name: kwargs.pop(name) for name in chosen if name != "as_json"}
            command(*args, common=Common(flags, kwargs.pop("as_json", False)), **kwargs)

        wrapper.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
        return wrapper
    return decorate


def reports_errors(command: Callable[..., None]) -> Callable[..., None]:
    """Turn zongjie errors into one line on stderr and the contract's exit code, never a traceback."""
    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            command(*args, **kwargs)
        except ZongjieError as error:
            err.print(f"[red]错误：[/red]{error}", markup=True, highlight=False)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            err.print("已中断。已完成的部分已保存，重新运行会接着做。")
            raise typer.Exit(130) from None
    return wrapper


def _print_json(document: Any) -> None:
    """One JSON document on stdout."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


_OUTCOMES = {"added": "新增", "updated": "更新", "unchanged": "未变", "failed": "未导入"}
_BRIEF_OUTCOMES = {"done": "已摘要", "reused": "未变，沿用", "failed": "失败"}


class _StepProgress:
    """A progress bar on stderr, one step per file or report; when stderr is a log rather than a terminal, one
    line per step instead. Shown only for at least `shown_from` steps."""

    def __init__(self, label: str, total: int, outcomes: dict[str, str], shown_from: int = 0) -> None:
        self.label, self.outcomes, self.shown = label, outcomes, total >= shown_from
        self.progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), console=err, transient=True)
        self.task = self.progress.add_task(label, total=total)

    def __enter__(self) -> "_StepProgress":
        if self.shown:
            self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def step(self, item: Path | str, outcome: str) -> None:
        """Advance one step."""
        name = Path(item).name
        self.progress.update(self.task, advance=1, description=f"{self.label} {name[:30]}")
        if self.shown and not err.is_terminal:
            err.print(f"{self.outcomes.get(outcome, outcome)}：{name}", highlight=False)


def _file_progress(total: int) -> _StepProgress:
    """Progress of an ingest, a step per file."""
    return _StepProgress("导入", total, _OUTCOMES)


def _auto_ingest(workspace: Workspace) -> None:
    """Ingest ./corpus when the store is empty, with a progress bar."""
    if workspace.store.count_chunks():
        return
    corpus = workspace.settings.corpus
    total = len(discover_files([corpus])) if corpus.is_dir() else 0
    with _file_progress(total) as progress:
        workspace.ensure_ingested(lambda message: err.print(message), progress.step)


@app.command()
@reports_errors
@common_options()
def ingest(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="报告文件或目录（默认 ./corpus）；支持 txt/md/docx/pdf，任意编码")] = None,
    allow_classified: Annotated[bool, typer.Option("--allow-classified", help="导入带密级标志的文件（仅当对话接口和向量模型都在本机时；之后也不会发往任何其他接口）")] = False,
    force: Annotated[bool, typer.Option("--force", help="导入不像中文报告的文件（几乎没有汉字，或段落上万）")] = False,
    reference: Annotated[Optional[bool], typer.Option("--reference/--own", help="--reference：作为参考资料（政府工作报告、上级文件、外单位报告）导入，检索时排在本单位报告之后，起草、对比、校对不取用；--own：作为本单位报告。不给时按清单 reference 字段，否则上级政府工作报告和“关于……的意见/通知”类文件自动算参考资料")] = None,
    common: Common = Common(),
) -> None:
    """把报告导入资料库：解析标题层级、分段、打主题标签、向量化。未改动的文件自动跳过。

    带密级标志（绝密★、机密★、秘密★、涉密、内部资料 注意保密 等）的文件拒绝导入；身份证号、手机号、银行卡号
    按类别和数量记录，发往非本机接口前一律替换为〔身份证号〕等占位符。
    """
    workspace = common.workspace()
    targets = paths or [workspace.settings.corpus]
    with _file_progress(len(discover_files(targets))) as progress:
        result = workspace.ingest(targets, progress.step, allow_classified=allow_classified, force=force,
                                  reference=reference)
    if common.as_json:
        _print_json(result.to_json())
        return
    out.print(f"新增 {result.added} 份，更新 {result.updated} 份，未变 {result.unchanged} 份；"
              f"资料库共 {result.reports} 份报告、{result.chunks} 段。")
    if result.reread:
        out.print(f"其中 {result.reread} 份文件本身未改，是按升级后的解析规则重读的（标题层级、分段可能更准；"
                  "没变的段落沿用原来的向量）。")
    for failure in result.failed:
        err.print(f"[yellow]未导入：[/yellow]{failure['error']}", highlight=False)
    for partial in result.partial:
        err.print(f"[yellow]提示：[/yellow]{Path(partial['path']).name} 只有 {partial['coverage']:.1%} 的文字入库，"
                  "请用 zongjie show 查看缺了哪些内容", highlight=False)


@app.command()
@reports_errors
@common_options()
def search(
    query: Annotated[str, typer.Argument(help="要查找的内容，如“廉洁自律教育”")],
    k: Annotated[int, typer.Option("-k", help="返回条数")] = 8,
    section: Annotated[Optional[str], typer.Option("--section", help="只在某主题内查找，如 党风廉政、全面从严治党、民生保障")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="报告年度，如 2022")] = None,
    report: Annotated[Optional[str], typer.Option("--report", help="只查某份报告（文件名或标题中的词）")] = None,
    doc_type: Annotated[Optional[str], typer.Option("--doc-type", help="文种：总结、述职、计划、政府工作报告、文件")] = None,
    scope: Annotated[Optional[str], typer.Option("--scope", help="own：只查本单位报告；reference：只查参考资料（政府工作报告、上级文件）")] = None,
    common: Common = Common(),
) -> None:
    """混合检索（关键词 + 语义）：找出回答问题的原文段落，附报告名和标题层级。

    资料库里有参考资料（ingest --reference，或自动识别的上级政府工作报告、文件）时，本单位报告排在前面，参考资料在后作为佐证；问“政府工作报告/上级文件怎么说”时不分先后。"""
    if scope not in (None, OWN, REFERENCE):
        raise typer.BadParameter("--scope 只能是 own（本单位报告）或 reference（参考资料）")
    workspace = common.workspace()
    topic = resolve_section(section).id if section else None
    _auto_ingest(workspace)
    hits = workspace.search(query, k=k, filters=SearchFilters(topic=topic, year=year, report=report,
                                                              doc_type=doc_type, scope=scope))
    if common.as_json:
        _print_json({"query": query, "hits": [hit.to_json() for hit in hits]})
        return
    if not hits:
        out.print("资料中未找到相关内容。")
        return
    table = Table(show_lines=True, expand=True)
    for column, options in (("#", {"width": 3}), ("报告 / 位置", {"ratio": 2}), ("原文", {"ratio": 5})):
        table.add_column(column, overflow="fold", **options)  # Chinese has no spaces to wrap at
    for hit in hits:
        location = f"{hit.report_title}\n" + " › ".join(hit.heading_path)
        table.add_row(str(hit.rank), location, hit.text)
    out.print(table)


@app.command("reports")
@reports_errors
@common_options()
def list_reports(
    common: Common = Common(),
) -> None:
    """列出资料库中的报告：标题、年度、文种、单位、段数；参考资料（不是本单位的报告）标明“参考”。"""
    workspace = common.workspace()
    _auto_ingest(workspace)
    reports = workspace.reports()
    if common.as_json:
        _print_json({"reports": [record.metadata() | {"year": record.year} for record in reports]})
        return
    table = Table()
    for column in ("文件", "标题", "年度", "文种", "单位", "段数"):
        table.add_column(column, overflow="fold")
    for record in reports:
        table.add_row(record.source, record.title, str(record.year or "—"),
                      record.doc_type + ("（参考）" if record.reference else ""), record.unit or "—", str(record.chunks))
    out.print(table)


@app.command()
@reports_errors
@common_options()
def show(
    report: Annotated[str, typer.Argument(help="报告文件名、编号或标题中的词")],
    common: Common = Common(),
) -> None:
    """显示一份报告的标题层级树：一、→（一）→ 1、→（1）→ 一是 → 段首小标题。"""
    workspace = common.workspace()
    _auto_ingest(workspace)
    record = workspace.find_report(report)
    outline = workspace.outline(record)
    if common.as_json:
        _print_json({"source": record.source, "title": record.title, "tree": _outline_json(outline)["children"]})
        return
    tree = Tree(f"{record.title}（{record.source}）")
    _add_branches(tree, outline)
    out.print(tree)


@app.command()
@reports_errors
@common_options("store", "store_url", "embedder", "as_json")
def remove(
    report: Annotated[str, typer.Argument(help="要删除的报告：文件名、编号或标题中的词（须只对应一份）")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="不再询问，直接删除")] = False,
    common: Common = Common(),
) -> None:
    """从资料库删除一份报告：它的段落、检索词、外发检查记录和网页上传的原文件都会删除，之后检索和问答都找不到它。
    原始文件（如 corpus/ 中的）不动；想恢复就重新导入。"""
    workspace = common.workspace()
    record = workspace.find_report(report)
    if not yes:
        if common.as_json or not sys.stdin.isatty():
            raise UserError(f"删除《{record.title}》需要确认：请加 --yes")
        if not typer.confirm(f"删除《{record.title}》（{record.source}，{record.chunks} 段）？", default=False):
            err.print("未删除。")
            raise typer.Exit(1)
    removed = workspace.remove(record)
    if common.as_json:
        _print_json(removed.to_json(remaining=len(workspace.reports())))
        return
    note = "，网页上传的原文件也已删除" if removed.upload_deleted else ""
    out.print(f"已删除《{record.title}》：{removed.passages} 段{note}。资料库还有 {len(workspace.reports())} 份报告。",
              highlight=False)


def _outline_json(node: OutlineNode) -> dict[str, Any]:
    """An outline node as nested JSON."""
    return {"title": node.title, "passages": node.passages, "children": [_outline_json(c) for c in node.children]}


def _add_branches(tree: Tree, node: OutlineNode) -> None:
    """Add a node's children to a rich tree, recursively."""
    for child in node.children:
        _add_branches(tree.add(child.title, highlight=False), child)


def _engine(workspace: Workspace, agent: bool = False) -> Engine:
    """The answering engine the settings ask for; retry notices go to stderr."""
    return make_engine(workspace, agent=agent,
                       notify=lambda message: err.print(f"[yellow]{message}[/yellow]", highlight=False))


def _write_stdout(text: str) -> None:
    """Streamed answer text, shown as soon as it is checked."""
    sys.stdout.write(text)
    sys.stdout.flush()


@app.command()
@reports_errors
@common_options()
def ask(
    question: Annotated[str, typer.Argument(help="问题，如“哪份报告提到了红色驿站？”")],
    section: Annotated[Optional[str], typer.Option("--section", help="只在某主题内找依据，如 党风廉政")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="只看某年度的报告")] = None,
    report: Annotated[Optional[str], typer.Option("--report", help="只看某份报告（文件名或标题中的词）")] = None,
    common: Common = Common(),
) -> None:
    """依据资料库中的报告回答问题：每句标注来源 [S1]，数字必须出自原文，找不到依据就说“资料中未找到”。

    默认离线（抽取式，直接引用原文句子）；用 --provider 接入 DeepSeek、通义千问、Ollama 等模型后由模型作答。
    """
    workspace = common.workspace()
    filters = SearchFilters(topic=resolve_section(section).id if section else None, year=year, report=report)
    _auto_ingest(workspace)
    answer = answer_question(question, _engine(workspace), workspace.run_log,
                             None if common.as_json else _write_stdout, filters)
    if common.as_json:
        _print_json(answer.to_json())
        return
    sources = format_sources(answer)
    out.print(("\n\n来源：\n" + sources) if sources else "", highlight=False, markup=False)
    for warning in answer.warnings:
        err.print(f"[yellow]提示：[/yellow]{warning}", highlight=False)


@app.command()
@reports_errors
@common_options(*_SETTINGS_OPTIONS)
def chat(
    common: Common = Common(),
) -> None:
    """与资料库对话：可以追问（如“那2023年呢？”），每个回答标注来源。命令：/sources /reset /save 文件 /help /exit。

    接入支持工具调用的模型时，以代理方式自行检索、阅读整节原文。若最后一问因接口故障失败，退出码为 3。
    """
    workspace = common.workspace()
    _auto_ingest(workspace)
    engine = _engine(workspace, agent=True)
    session = ChatSession(engine=engine, rewriter=Rewriter(engine.chat_model), run_log=workspace.run_log)
    status = run_repl(session, input, _write_stdout,
                      lambda error: err.print(f"[red]错误：[/red]{error}", markup=True, highlight=False))
    raise typer.Exit(status)


@app.command()
@reports_errors
@common_options()
def draft(
    section: Annotated[Optional[str], typer.Option("--section", "-s", help="要起草的栏目，如 党风廉政、党建、平安建设、存在问题、下一步打算")] = None,
    whole: Annotated[bool, typer.Option("--all", help="起草全文：按本单位往年报告的结构，一节一节写成一份完整的总结")] = False,
    materials: Annotated[Optional[Path], typer.Option("--materials", help="今年各科室报来的材料目录（.docx/.txt），正文的事实和数字取自这里并注明出处")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="起草哪一年的总结（默认：资料库中最新报告的下一年）")] = None,
    org: Annotated[str, typer.Option("--org", help="单位名称，如“梅林街道”：用于标题和替换原文中打码的单位名")] = "",
    facts: Annotated[Optional[Path], typer.Option("--facts", help="今年的事实文件（YAML，每行“事项: 数字”），正文数字只取自这里")] = None,
    outline: Annotated[Optional[Path], typer.Option("--outline", help="用修改过的提纲文件继续起草")] = None,
    outline_only: Annotated[bool, typer.Option("--outline-only", help="只拟提纲，不写正文")] = False,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="另存为 .md 或 .docx（公文格式）")] = None,
    common: Common = Common(),
) -> None:
    """按往年报告的结构和写法起草今年的总结（初稿）：一节（--section），或全文（--all）。

    今年的事实取自 --materials（各科室材料）和 --facts，数字照抄并注明出处，缺的写成〔待补〕；材料中没有写进初稿的内容（对不上栏目、重复、各科室数字不一致）会逐条列出。

    每一步保存在资料库下的 drafts/ 运行目录中，可查看；--outline-only 先出提纲，改好后用 --outline 文件 接着写。

    \b
    例：zongjie draft --all --materials 科室材料/ --org 梅林街道 --out 总结.docx
    例：zongjie draft --section 党风廉政 --facts 今年数字.yaml --out 党风廉政.docx
    """
    from .draft import check_out_path

    if whole == bool(section):
        raise typer.BadParameter("请用 --section 指定一个栏目，或用 --all 起草全文（二者选一）")
    if out_file is not None:
        check_out_path(out_file)
    workspace = common.workspace()
    _auto_ingest(workspace)
    if whole or materials is not None:
        _draft_report(workspace, common, section, materials, year, org.strip(), facts, outline, outline_only, out_file)
        return
    _draft_section(workspace, common, section, year, org.strip(), facts, outline, outline_only, out_file)


def _draft_section(workspace: Any, common: Common, section: str, year: int | None, org: str, facts: Path | None,
                   outline: Path | None, outline_only: bool, out_file: Path | None) -> None:
    """`draft --section` from past reports and --facts."""
    from .draft import DraftRequest, draft_section, export_draft, make_writer

    request = DraftRequest(section=section, year=year, org=org, facts_path=facts, outline_path=outline,
                           outline_only=outline_only)
    notify = _notify_stderr
    with _WritingStatus() as status:
        result = draft_section(workspace, request, make_writer(workspace, notify), notify, status.update)
    if out_file is not None and not outline_only:
        err.print(f"已保存：{export_draft(result, out_file)}", highlight=False, markup=False)
    if common.as_json:
        _print_json(result.to_json())
        return
    _write_stdout(result.outline_markdown() if outline_only else result.to_markdown())  # unwrapped, for pasting
    for warning in result.warnings:
        err.print(f"[yellow]提示：[/yellow]{warning}", highlight=False)
    if facts is None and not outline_only:
        err.print("[yellow]提示：[/yellow]用 --facts 今年数字.yaml 或 --materials 科室材料/ 提供今年的事实，正文会直接写入并注明依据",
                  highlight=False)
    hint = f"提纲可修改后用 --outline {result.run_dir}/outline.md 继续起草" if outline_only else "各步骤的文件"
    err.print(f"{hint}（运行目录：{result.run_dir}）", highlight=False, markup=False)


def _draft_report(workspace: Any, common: Common, section: str | None, materials: Path | None, year: int | None,
                  org: str, facts: Path | None, outline: Path | None, outline_only: bool,
                  out_file: Path | None) -> None:
    """`draft --all`, or one section with --materials: the report in the unit's outline from the materials."""
    from .draft import ReportRequest, draft_report, export_draft, make_writer

    request = ReportRequest(year=year, org=org, materials_dir=materials, facts_path=facts, outline_path=outline,
                            outline_only=outline_only, section=section)
    with _WritingStatus() as status:
        result = draft_report(workspace, request, make_writer(workspace, _notify_stderr), _notify_stderr,
                              status.update)
    if out_file is not None and not outline_only:
        err.print(f"已保存：{export_draft(result, out_file)}", highlight=False, markup=False)
    if common.as_json:
        _print_json(result.to_json())
        return
    _write_stdout(result.outline.render() if outline_only else result.to_markdown())
    if not outline_only:
        if materials is not None:
            _write_stderr_block(result.unused_report())
        for warning in result.warnings:
            err.print(f"[yellow]提示：[/yellow]{warning}", highlight=False)
    hint = f"提纲可修改后用 --outline {result.run_dir}/outline.md 继续起草" if outline_only else "各步骤的文件"
    err.print(f"{hint}（运行目录：{result.run_dir}）", highlight=False, markup=False)


def _notify_stderr(message: str) -> None:
    err.print(message, highlight=False, markup=False)


def _write_stderr_block(text: str) -> None:
    err.print(text, highlight=False, markup=False, soft_wrap=True)


@app.command()
@reports_errors
@common_options()
def check(
    file: Annotated[Path, typer.Argument(help="要校对的稿子（.docx/.txt/.md）")],
    facts: Annotated[Optional[Path], typer.Option("--facts", help="今年的事实文件（YAML，每行“事项: 数字”）")] = None,
    materials: Annotated[Optional[Path], typer.Option("--materials", help="今年各科室报来的材料目录：稿中的数字逐个对照")] = None,
    year: Annotated[Optional[int], typer.Option("--year", help="稿子是哪一年的总结（默认：资料库中最新报告的下一年）")] = None,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="另存一份 .docx，每个问题处加 Word 批注")] = None,
    fix: Annotated[bool, typer.Option("--fix", help="另存一份只改了标点、用词、全角数字的副本（数字内容一律不改）")] = False,
    common: Common = Common(),
) -> None:
    """校对一篇人写的稿子：数字是否出自今年的材料、有没有混进往年的年份荣誉和原句、标题编号、数字用法、标点用词、密级标志和个人信息。

    每个问题给出行号（Word 文件为段落序号）、严重程度（错误/提醒/建议）、说明、依据和修改建议。

    退出码：0 没有错误级问题；4 有错误级问题；1 输入有误（找不到文件、读不出来等）。

    \b
    例：zongjie check 2023年工作总结.docx --materials 科室材料/ --out 批注版.docx
    例：zongjie check 初稿.txt --facts 今年数字.yaml --fix
    """
    from .check import CheckRequest, check_draft
    from .check.annotate import write_commented, write_fixed

    if out_file is not None and out_file.suffix.lower() != ".docx":
        raise typer.BadParameter("--out 只支持 .docx（带批注的 Word 文件）")
    workspace = common.workspace()
    _auto_ingest(workspace)
    result = check_draft(workspace, CheckRequest(file, facts, materials, year))
    document = result.to_json()
    if out_file is not None:
        comments = write_commented(result, out_file)
        err.print(f"已保存带 {comments} 条批注的文件：{out_file}", highlight=False, markup=False)
    if fix:
        fixed_path = file.with_name(f"{file.stem}（已改标点用词）{file.suffix}")
        changes = write_fixed(result, fixed_path)
        document["fixed"] = {"file": str(fixed_path), "changes": [change.to_json() for change in changes]}
        err.print(f"已另存修改副本：{fixed_path}（{len(changes)} 处）", highlight=False, markup=False)
        for change in changes:
            err.print(f"  第{change.line}行：{change.before} → {change.after}", highlight=False, markup=False)
    if common.as_json:
        _print_json(document)
    else:
        _write_stdout(result.to_text() + "\n")
    if result.errors:
        raise typer.Exit(4)


@app.command()
@reports_errors
@common_options()
def brief(
    reports: Annotated[Optional[list[str]], typer.Argument(help="报告文件，或已导入报告的文件名、编号、标题中的词；与 --all 同用时为目录")] = None,
    all_reports: Annotated[bool, typer.Option("--all", help="摘要目录中的全部报告（不给目录时为资料库中的全部报告）")] = False,
    max_chars: Annotated[Optional[int], typer.Option("--max-chars", help="摘要的字数上限（默认：公文格式一页 A4）")] = None,
    file_format: Annotated[str, typer.Option("--format", help="保存格式：md 或 docx（需 --out）")] = "md",
    out_dir: Annotated[Optional[Path], typer.Option("--out", help="保存摘要的目录（另写 index.md、index.json；再次运行跳过未变的报告）")] = None,
    concurrency: Annotated[int, typer.Option("--concurrency", help="接入模型时同时处理几份报告")] = 4,
    common: Common = Common(),
) -> None:
    """把一份或多份报告压缩成一页纸的摘要：总体情况、主要成效（按报告的一级标题）、存在问题、下一步打算、关键数据表。

    数字照录原文，打码的数字（**）保持打码，不补写任何数字；每个要点注明在原报告中的位置〔见二（三）〕。
    例：zongjie brief corpus/004_3a5482bd6e48631d.txt；zongjie brief --all corpus --out 摘要/ --format docx
    """
    from .brief import BriefRequest, make_condenser, resolve_reports, run_briefs

    request = BriefRequest(targets=tuple(reports or ()), all_reports=all_reports, max_chars=max_chars,
                           format=file_format.lower().lstrip("."), out_dir=out_dir, concurrency=concurrency)
    request.check()
    workspace = common.workspace()
    with _file_progress(0) as progress:
        records, failed = resolve_reports(workspace, request, progress.step)
    condenser = make_condenser(workspace, lambda message: err.print(message, highlight=False, markup=False))
    with _StepProgress("摘要", len(records), _BRIEF_OUTCOMES, shown_from=2) as progress:
        result = run_briefs(workspace, records, condenser, request, progress.step)
    result.failed = failed + result.failed
    if common.as_json:
        _print_json(result.to_json())
    elif out_dir is None:
        _write_stdout("\n\n".join(entry["text"] for entry in result.briefs))
    for entry in result.briefs:
        for warning in entry["warnings"]:
            err.print(f"[yellow]提示：[/yellow]{entry['source']}：{warning}", highlight=False)
    for failure in result.failed:
        err.print(f"[red]未能摘要：[/red]{failure['path']}：{failure['error']}", highlight=False, soft_wrap=True)
    if out_dir is not None:
        reused = f"，其中 {result.reused} 份未变、沿用已有摘要" if result.reused else ""
        err.print(f"已写入 {len(result.briefs)} 份摘要{reused}：{out_dir}/（索引 index.md）", highlight=False,
                  markup=False, soft_wrap=True)
    if not result.briefs:
        raise typer.Exit(1)


@app.command()
@reports_errors
@common_options()
def compare(
    section: Annotated[str, typer.Option("--section", "-s", help="要对比的栏目，如 党风廉政、党建、疫情防控、存在问题")],
    reports: Annotated[Optional[list[str]], typer.Option("--reports", "-r", help="参加对比的报告（文件名、编号或标题中的词；可多次给出，或用逗号分隔）；默认全部")] = None,
    years: Annotated[str, typer.Option("--years", help="只比这些年份，如 2020-2022 或 2021,2022")] = "",
    org: Annotated[str, typer.Option("--org", help="只比这个单位的报告（按年份排成历年对比），如“梅林街道”")] = "",
    summary: Annotated[bool, typer.Option("--summary", help="接入模型时，另写一段异同概述（有引用、数字经核对）")] = False,
    out_file: Annotated[Optional[Path], typer.Option("--out", help="另存为 .xlsx、.docx、.html 或 .md")] = None,
    common: Common = Common(),
) -> None:
    """把同一栏目在几份报告中的写法并排对比：一份报告一列（同一单位的历年报告按年份排），一行一个方面。

    每格是该报告自己的原句并注明出处，打码的数字保持打码；某份报告没写的方面留空。
    标出各报告都有的、只有一份有的；历年对比另标出当年新增、不再提及的方面，以及与上一年原句相同的句子。

    \b
    例：zongjie compare --section 党风廉政
    例：zongjie compare --section 党建 --org 梅林街道 --years 2021-2023 --out 党建历年对比.xlsx
    """
    from .compare import CompareRequest, compare_topic
    from .compare.export import check_out_path, export_comparison

    if out_file is not None:
        check_out_path(out_file)
    workspace = common.workspace()
    _auto_ingest(workspace)
    request = CompareRequest(section=section, reports=tuple(reports or ()), years=years, org=org.strip(),
                             summary=summary)
    result = compare_topic(workspace, request, _notify_stderr)
    if out_file is not None:
        err.print(f"已保存：{export_comparison(result, out_file)}", highlight=False, markup=False)
    if common.as_json:
        _print_json(result.to_json())
    else:
        _write_stdout(result.to_text())
    for warning in result.warnings:
        err.print(f"[yellow]提示：[/yellow]{warning}", highlight=False)


class _WritingStatus:
    """A spinner on stderr counting the characters a model has written (its unchecked text is not shown)."""

    def __init__(self) -> None:
        self.chars = 0
        self.status = err.status("撰写中……") if err.is_terminal else None

    def __enter__(self) -> "_WritingStatus":
        if self.status:
            self.status.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self.status:
            self.status.__exit__(*exc)

    def update(self, piece: str) -> None:
        self.chars += len(piece)
        if self.status:
            self.status.update(f"撰写中……已生成 {self.chars} 字（核查后显示）")


config_app = typer.Typer(help="查看和检查设置（接口地址、模型、密钥来源）。", no_args_is_help=True,
                         rich_markup_mode=None)
app.add_typer(config_app, name="config")


@config_app.command("show")
@reports_errors
@common_options()
def config_show(
    common: Common = Common(),
) -> None:
    """显示生效的设置及其来源（命令行 > 环境变量 > zongjie.toml > 默认值），密钥只显示首尾。"""
    settings = common.settings()
    rows = settings.describe() + effective_model_rows(settings)
    if common.as_json:
        _print_json({name: {"value": value, "from": origin} for name, value, origin in rows})
        return
    table = Table()
    for column in ("设置", "值", "来源"):
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*row)
    out.print(table)


@config_app.command("check")
@reports_errors
@common_options()
def config_check(
    common: Common = Common(),
) -> None:
    """实际调用一次接口，检查能否连通、密钥是否有效、模型是否存在；出错时说明原因（退出码 3）。"""
    settings = common.settings()
    result = check_settings(settings)
    if common.as_json:
        _print_json(result)
    else:
        for line in result["lines"]:
            out.print(line, highlight=False, markup=False)
    if not result["ok"]:
        raise typer.Exit(3)


@app.command()
@reports_errors
@common_options("store", "as_json")
def logs(
    limit: Annotated[int, typer.Option("-n", "--limit", help="显示最近多少条")] = 20,
    run: Annotated[Optional[int], typer.Option("--run", help="显示某次运行的每次模型调用（提示词、回复、用量）")] = None,
    egress: Annotated[bool, typer.Option("--egress", help="列出发往模型接口的每个请求：接口、字节数、含哪些报告的文字、做了哪些脱敏")] = False,
    common: Common = Common(),
) -> None:
    """列出最近的问答记录：问题、引擎、模型、提示词用量、耗时、提示数（记录在资料库目录的 runs.sqlite）。"""
    run_log = RunLog(common.settings().run_log)
    if egress:
        rows = run_log.egress(limit)
        if common.as_json:
            _print_json({"egress": rows})
        elif not rows:
            out.print("还没有发往任何接口的请求（离线引擎和内置向量模型不发送数据）。")
        else:
            render_egress_table(out, rows)
        return
    rows = run_log.calls_of(run) if run is not None else run_log.recent_runs(limit)
    if common.as_json:
        _print_json({"calls" if run is not None else "runs": rows})
        return
    if not rows:
        out.print("还没有记录。")
        return
    render_log_table(out, rows, calls=run is not None)


@app.command()
@reports_errors
@common_options(*_SETTINGS_OPTIONS)
def serve(
    host: Annotated[str, typer.Option("--host", help="监听地址；127.0.0.1 只有本机能打开，0.0.0.0 供局域网访问（须设令牌）")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    token: Annotated[Optional[str], typer.Option("--token", envvar="ZONGJIE_TOKEN", help="访问令牌（非本机地址必填；环境变量 ZONGJIE_TOKEN）")] = None,
    common: Common = Common(),
) -> None:
    """在浏览器中使用 zongjie：问答（逐句显示、点开引用看原文）、起草、摘要、报告列表与上传，可下载 Word 文件。

    页面不依赖外网资源，内网可用。例：zongjie serve；局域网：zongjie serve --host 0.0.0.0 --token 一串随机字符
    """
    import uvicorn

    from .web.app import create_app
    from .web.auth import is_loopback

    if not is_loopback(host) and not token:
        raise UserError(f"在 {host} 上对局域网提供服务必须设访问令牌：--token 或环境变量 ZONGJIE_TOKEN")
    workspace = common.workspace()
    _auto_ingest(workspace)
    web_app = create_app(workspace, token=token)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    link = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")
    err.print(f"zongjie 已启动：在浏览器中打开 {link}（Ctrl-C 停止）", highlight=False, markup=False, soft_wrap=True)
    uvicorn.run(web_app, host=host, port=port, log_level="warning")


eval_app = typer.Typer(help="评测：用 evals/cases/ 中的用例检查检索、问答、起草、摘要的质量（CI 的质量关口）。",
                       rich_markup_mode=None)
app.add_typer(eval_app, name="eval")
EvalsDirOpt = Annotated[Path, typer.Option("--evals", help="评测目录（用例 cases/、金标准 goldens/、回放 replay/）")]
CorpusOpt = Annotated[Path, typer.Option("--corpus", help="样例报告目录")]
SuiteOpt = Annotated[Optional[list[str]], typer.Option("--suite", help="只跑这些套件：retrieval、ask、draft、brief、whole、check、compare（可重复）")]


@eval_app.callback(invoke_without_command=True)
@reports_errors
@common_options("provider", "model", "base_url", "embedder", "as_json")
def eval_run(
    ctx: typer.Context,
    modes: Annotated[Optional[list[str]], typer.Option("--mode", help="offline（抽取式，对照金标准）、replay（回放模型回复）、live（真实接口）；可重复，默认 offline 和 replay")] = None,
    suites: SuiteOpt = None,
    cases: Annotated[Optional[list[str]], typer.Option("--case", help="只跑这些用例编号（可重复）")] = None,
    out_dir: Annotated[Path, typer.Option("--out", help="报告目录：report.json、report.html")] = Path("evals/out"),
    record: Annotated[bool, typer.Option("--record", help="live 模式下把真实回复录制为回放记录 evals/replay/")] = False,
    update_baseline: Annotated[bool, typer.Option("--update-baseline", help="把本次指标写为新的基准 evals/baseline.json")] = False,
    evals_dir: EvalsDirOpt = Path("evals"), corpus: CorpusOpt = Path("corpus"),
    common: Common = Common(),
) -> None:
    """运行评测并打印汇总（先列未通过的用例，与基准比较）；写出 report.json 和可在浏览器打开的 report.html。

    确定性指标（召回率、引用有效率、无据数字、金标准一致等）有退步时退出码为 1。无需密钥：offline 用抽取式引擎，
    replay 用本地测试服务回放 evals/replay/ 中的模型回复。例：zongjie eval；zongjie eval --suite draft --case draft-pingan
    """
    if ctx.invoked_subcommand is not None:
        return
    from .evals.cases import SUITES
    from .evals.report import failure_lines, summary_table, write_reports
    from .evals.runner import EvalOptions, planned_runs, run_eval
    from .evals.suites import STATUS_LABELS

    live = None
    if "live" in (modes or ()):
        live = common.settings(provider="openai")
    options = EvalOptions(evals_dir=evals_dir, corpus=corpus, modes=tuple(modes or ("offline", "replay")),
                          suites=tuple(suites or SUITES),
                          case_ids=tuple(cases or ()), live_settings=live, record=record,
                          update_baseline=update_baseline)
    options.check()
    with _StepProgress("评测", planned_runs(options), STATUS_LABELS, shown_from=2) as progress:
        run = run_eval(options, lambda message: err.print(message, highlight=False, markup=False),
                       lambda result: progress.step(f"{result.mode}/{result.case.id}", result.status))
    json_path, html_path = write_reports(run, out_dir)
    if common.as_json:
        _print_json(json.loads(json_path.read_text(encoding="utf-8")))
    else:
        for line in failure_lines(run):
            out.print(line, highlight=False, markup=False, soft_wrap=True)
        out.print(summary_table(run))
        for line in run.regressions:
            out.print(f"[red]退步：[/red]{line}", highlight=False)
        verdict = "[green]通过[/green]" if run.passed else "[red]未通过[/red]"
        out.print(f"{verdict}：{len(run.results)} 个用例，用时 {run.duration_s:.0f} 秒；报告 {html_path}", highlight=False)
    if update_baseline:
        err.print(f"已更新基准：{options.baseline_path}", highlight=False, markup=False)
    if not run.passed:
        raise typer.Exit(1)


@eval_app.command("approve")
@reports_errors
def eval_approve(
    cases: Annotated[Optional[list[str]], typer.Argument(help="要认可的用例编号")] = None,
    all_cases: Annotated[bool, typer.Option("--all", help="认可全部 ask/draft/brief 用例的当前输出")] = False,
    suites: SuiteOpt = None, evals_dir: EvalsDirOpt = Path("evals"), corpus: CorpusOpt = Path("corpus"),
) -> None:
    """把用例的当前离线输出写为金标准（evals/goldens/），并记下生成时的样例报告和提示词指纹。先看 report.html 中的差异。"""
    from .evals.cases import SUITES
    from .evals.runner import EvalOptions, approve

    if not cases and not all_cases:
        raise typer.BadParameter("请给出用例编号，或用 --all 认可全部用例")
    options = EvalOptions(evals_dir=evals_dir, corpus=corpus, suites=tuple(suites or SUITES))
    approved = approve(options, tuple(cases or ()), lambda message: err.print(message, highlight=False, markup=False))
    out.print(f"已更新 {len(approved)} 个金标准：{'、'.join(approved)}", highlight=False, markup=False)


def main() -> None:  # pragma: no cover - console script entry
    """Run the CLI."""
    app()
