"""`zongjie chat`: a conversation over the reports, each turn answered and checked like `ask`.

Follow-ups ("那2023年呢？", "那谈话提醒呢？", "具体有哪些措施？") are rewritten into standalone questions before
retrieval: by the model when one is configured (prompts/chat/rewrite.md), else by rules that swap the new year or
the new subject into the previous question. An answer to a follow-up that would only repeat the previous answer
(the same passages, for a different question) is refused instead: it answers what was asked before, not what was
asked now. With a model that calls tools the turn runs as an agent instead (agent_tools.py), which searches and
reads sections itself and sees the conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from ..errors import UserError, ZongjieError
from ..library.lexical import words
from ..model.llm import ChatModel
from ..model.prompts import load_prompt
from ..model.runlog import RunLog
from .ask import Answer, answer_question
from .engines import Engine
from .guard import REFUSAL, is_refusal
from .question import QUESTION_WORDS

_YEAR = re.compile(r"(?:19|20)\d{2}(?=\s*年)")
_FOLLOW_UP_START = re.compile(r"^(那么?|那|还有|另外|其中|其他|其它|这些|这个|这项|它们?|他们|具体|再|同样|然后|此外)")
_FOLLOW_UP_END = re.compile(r"呢[？?。！!]*$")  # not 如何/怎么样: "党建做得如何？" stands on its own
_FILLER = re.compile(r"^(那么?|还有|另外|其中|再|同样|然后|此外)|(呢|的呢)?[？?。！!]*$")

HELP = """可用命令：
  /sources     显示上一个回答引用的原文
  /reset       清空对话，重新开始
  /save 文件   把对话保存为 Markdown 文件
  /help        显示本帮助
  /exit        退出（也可按 Ctrl-D）
直接输入问题即可提问，可以接着上一问追问，如“那2023年呢？”。"""


@dataclass
class Turn:
    """One exchange: what was asked, the standalone question searched, and the checked answer."""

    question: str
    query: str
    answer: Answer


def is_follow_up(question: str) -> bool:
    """A question that leans on the previous one (short, or opening with 那/其中…, or ending in 呢)."""
    stripped = question.strip()
    return bool(_FOLLOW_UP_START.search(stripped) or _FOLLOW_UP_END.search(stripped)) or len(stripped) <= 6


def rewrite_by_rules(question: str, previous_query: str) -> str:
    """A standalone question from a follow-up without a model: a new year replaces the old one; a new subject
    (那谈话提醒呢？) takes the place of the previous question's subject (2022年开展了几次节前警示教育？ →
    2022年开展了几次谈话提醒？); other new words are added to the previous question."""
    core = _FILLER.sub("", question.strip()).strip("，, ")
    new_years = _YEAR.findall(core)
    rest = _YEAR.sub("", core).replace("年", "", len(new_years)).strip("，, 的")
    base = previous_query.strip().rstrip("？?。")
    if new_years:
        old_years = _YEAR.findall(base)
        base = _YEAR.sub(new_years[0], base) if old_years else f"{new_years[0]}年{base}"
    if rest and rest not in base:
        swapped = _swap_subject(base, rest) if _is_subject_only(rest) else None
        base = swapped or f"{base}，{rest}"
    return base + "？"


def _is_subject_only(asked: str) -> bool:
    """A follow-up that names only a new subject (谈话提醒), no new question (具体有哪些措施)."""
    return not any(word in _FRAME for word in words(asked))


def _swap_subject(previous: str, subject: str) -> str | None:
    """The previous question with its subject — its longest run of content words — replaced by `subject`."""
    pieces = words(previous)
    runs: list[tuple[int, int]] = []
    start = None
    for index, piece in enumerate(pieces + [""]):
        content = bool(piece) and _is_content(piece)
        if content and start is None:
            start = index
        elif not content and start is not None:
            runs.append((start, index))
            start = None
    if not runs:
        return None
    first, last = max(runs, key=lambda run: sum(len(piece) for piece in pieces[run[0]:run[1]]))
    return "".join(pieces[:first]) + subject + "".join(pieces[last:])


def _is_content(piece: str) -> bool:
    """A word that says what is asked about (not 开展/几次/了/年 or punctuation)."""
    return bool(re.fullmatch(r"[\u4e00-\u9fffA-Za-z]{2,}", piece)) and piece not in _FRAME


_FRAME = QUESTION_WORDS | frozenset("开展 组织 举办 进行 做 做了 搞 完成 推进 落实 有 是 的 年 年度 全年 今年 工作".split())


class Rewriter:
    """Turns a follow-up into a standalone question: with the chat model when there is one, else by rules."""

    def __init__(self, chat_model: ChatModel | None = None) -> None:
        self.chat_model = chat_model

    def rewrite(self, question: str, history: list[Turn]) -> str:
        """The standalone form of `question` given the conversation so far."""
        if not history or not is_follow_up(question):
            return question
        if self.chat_model is None:
            return rewrite_by_rules(question, history[-1].query)
        transcript = "\n".join(f"用户：{turn.question}\n助手：{turn.answer.text[:300]}" for turn in history[-3:])
        prompt = load_prompt("chat/rewrite").render(history=transcript, question=question)
        rewritten = self.chat_model.complete([{"role": "user", "content": prompt}], purpose="rewrite")
        return rewritten.strip().splitlines()[0].strip() if rewritten.strip() else question


@dataclass
class ChatSession:
    """A conversation: history, the engine that answers, and how follow-ups are made standalone."""

    engine: Engine
    rewriter: Rewriter
    run_log: RunLog | None = None
    history: list[Turn] = field(default_factory=list)

    def ask(self, question: str, on_text: Callable[[str], None] | None = None) -> Answer:
        """Answer one turn (rewriting a follow-up first, unless the engine reads the conversation itself). A
        follow-up's answer is held until it is whole, so one that repeats the previous answer is never shown."""
        if self.engine.reads_history:
            self.engine.history = [(turn.question, turn.answer.text) for turn in self.history]
            standalone = None
        else:
            history = list(self.history)
            standalone = lambda: self.rewriter.rewrite(question, history)  # noqa: E731
        follow_up = bool(self.history) and is_follow_up(question)
        held: list[str] = []
        show = held.append if follow_up else on_text
        answer = answer_question(question, self.engine, self.run_log, show, standalone=standalone, command="chat")
        if follow_up:
            answer = self._not_a_repeat(answer, question)
            if on_text:
                on_text(answer.text if answer.text != "".join(held).strip() else "".join(held))
        self.history.append(Turn(question=question, query=answer.query, answer=answer))
        return answer

    def _not_a_repeat(self, answer: Answer, question: str) -> Answer:
        """The refusal, when the answer cites exactly what the previous answer cited for another question and
        those passages never mention what the follow-up asks about (那谈话提醒呢？ answered with the 警示教育
        passage again)."""
        previous = self.history[-1]
        cited = {citation["chunk_id"] for citation in answer.citations}
        if (not cited or is_refusal(answer.text) or question.strip() == previous.question.strip()
                or cited != {citation["chunk_id"] for citation in previous.answer.citations}):
            return answer
        asked = [word for word in words(_FILLER.sub("", question.strip())) if _is_content(word)]
        passages = "".join(passage.text for passage in answer.evidence.passages)
        if not asked or all(word in passages for word in asked):
            return answer
        note = f"“{answer.query}”的回答与上一问相同，所引资料并未提到“{'、'.join(asked)}”，故不重复作答"
        return replace(answer, text=REFUSAL, citations=[], grounded=False, warnings=[*answer.warnings, note])

    def reset(self) -> None:
        """Forget the conversation."""
        self.history.clear()

    def sources(self) -> str:
        """The last answer's citations, one per line with its quote."""
        if not self.history:
            return "还没有回答。"
        return format_sources(self.history[-1].answer) or "上一个回答没有引用资料。"

    def save(self, path: Path) -> Path:
        """Write the conversation as Markdown (questions, answers, sources)."""
        if not self.history:
            raise UserError("对话为空，没有可保存的内容")
        parts = ["# 对话记录\n"]
        for number, turn in enumerate(self.history, 1):
            parts.append(f"## {number}. {turn.question}\n")
            if turn.query != turn.question:
                parts.append(f"（按“{turn.query}”检索）\n")
            parts.append(turn.answer.text + "\n")
            sources = format_sources(turn.answer)
            if sources:
                parts.append("来源：\n\n" + sources + "\n")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(parts), encoding="utf-8")
        return path


def format_sources(answer: Answer) -> str:
    """Citations as text: key, report and heading path, then the quoted sentence."""
    lines = []
    for citation in answer.citations:
        location = " › ".join([f"《{citation['report_title']}》", *citation["heading_path"]])
        lines.append(f"[{citation['key']}] {location}\n    “{citation['quote']}”")
    return "\n".join(lines)


def run_repl(session: ChatSession, read: Callable[[str], str], write: Callable[[str], None],
             report_error: Callable[[ZongjieError], None]) -> int:
    """The chat loop: read a line, run a command or answer it, until /exit or end of input. Returns the exit
    code: that of the error the last question ended in (3 for a dead endpoint), else 0."""
    write("总结助手：依据资料库中的报告回答问题，每句标注来源。输入 /help 查看命令，/exit 退出。\n")
    status = 0
    while True:
        try:
            line = read("\n问：").strip()
        except EOFError:
            write("\n")
            return status
        if not line:
            continue
        if line.startswith("/"):
            if not _command(session, line, write, report_error):
                return status
            continue
        status = _turn(session, line, write, report_error)


def _turn(session: ChatSession, question: str, write: Callable[[str], None],
          report_error: Callable[[ZongjieError], None]) -> int:
    """Answer one question in the loop; an error is reported and the conversation goes on."""
    try:
        write("答：")
        answer = session.ask(question, write)
    except ZongjieError as error:
        write("\n")
        report_error(error)
        return error.exit_code
    write("\n")
    for warning in answer.warnings:
        write(f"〔提示〕{warning}\n")
    return 0


def _command(session: ChatSession, line: str, write: Callable[[str], None],
             report_error: Callable[[ZongjieError], None]) -> bool:
    """Run a slash command; False means leave the chat."""
    name, _, argument = line.partition(" ")
    if name in ("/exit", "/quit"):
        return False
    if name == "/help":
        write(HELP + "\n")
    elif name == "/reset":
        session.reset()
        write("已清空对话。\n")
    elif name == "/sources":
        write(session.sources() + "\n")
    elif name == "/save":
        if not argument.strip():
            write("用法：/save 文件名.md\n")
        else:
            try:
                write(f"已保存到 {session.save(Path(argument.strip()))}\n")
            except (ZongjieError, OSError) as error:
                report_error(error if isinstance(error, ZongjieError) else UserError(f"无法保存：{error}"))
    else:
        write(f"未知命令 {name}。输入 /help 查看可用命令。\n")
    return True
