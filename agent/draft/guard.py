"""Guards on a draft's text, whichever engine wrote it (deterministic code, DESIGN.md principles 1–3).

- Citation keys: `[S#]` must name a passage of the evidence, `[F#]` a fact of the facts file; others are stripped.
- Figures: this year's figures come only from the facts file. Any other figure becomes 〔待补〕 — one found in the
  past reports is *stale* (last year's number), one found nowhere is *invented*; both are reported.
- Masked figures (`**次`) are unknown in the sources and stay unknown: 〔待补〕, never a number.
- Years other than the draft year (and, in a plan, the year after it, and any the facts state) become 〔待补〕; past honours are replaced
  unless the user's facts state them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..text.citations import check_citations
from ..text.facts import Facts
from ..text.figures import all_known, find_figures, guard_figures, known_values
from .evidence import DraftEvidence
from .stale import find_years, replace_foreign_years, replace_honours

_BOLD_LEAD = re.compile(r"^\*\*(?P<lead>[^*\n]+?)\*\*(?P<rest>.*)$", re.DOTALL)


@dataclass
class DraftGuardReport:
    """What the guards changed in a draft."""

    invented_keys: list[str] = field(default_factory=list)
    invented_figures: list[str] = field(default_factory=list)
    stale_figures: list[str] = field(default_factory=list)
    masked_figures: int = 0
    stale_years: list[str] = field(default_factory=list)
    stale_honours: list[str] = field(default_factory=list)

    def merge(self, other: "DraftGuardReport") -> None:
        """Add another section's changes to these (a whole report warns once per kind, not once per section)."""
        for name in ("invented_keys", "invented_figures", "stale_figures", "stale_years", "stale_honours"):
            getattr(self, name).extend(getattr(other, name))
        self.masked_figures += other.masked_figures

    def warnings(self) -> list[str]:
        """The changes, as lines a user reads."""
        lines = []
        if self.invented_figures:
            lines.append(f"{len(self.invented_figures)} 个数字在事实文件和资料中都找不到（疑似编造），已替换为〔待补〕："
                         + "、".join(self.invented_figures))
        if self.stale_figures:
            lines.append(f"{len(self.stale_figures)} 个数字来自往年报告，不能当作今年数字，已替换为〔待补〕："
                         + "、".join(dict.fromkeys(self.stale_figures)))
        if self.masked_figures:
            lines.append(f"{self.masked_figures} 处往年报告打码的数字（**）未知，已留作〔待补〕")
        if self.stale_years:
            lines.append("往年的年份已替换为〔待补〕：" + "、".join(dict.fromkeys(self.stale_years)))
        if self.stale_honours:
            lines.append("往年报告中的荣誉/事件不能写成今年的，已替换为〔待补〕：" + "、".join(self.stale_honours))
        if self.invented_keys:
            lines.append(f"删除了 {len(self.invented_keys)} 个不存在的引用编号：" + "、".join(dict.fromkeys(self.invented_keys)))
        return lines


class DraftGuard:
    """Checks draft text against the evidence and the user's facts for one draft year."""

    def __init__(self, evidence: DraftEvidence, facts: Facts, year: int, plan: bool = False,
                 shown: list[str] | None = None) -> None:
        self.evidence = evidence
        self.facts = facts
        self.years = ({year, year + 1} if plan else {year}) | set(find_years(" ".join(facts.texts())))
        self.allowed = known_values(facts.texts()) | {float(value) for value in self.years}
        self.past_values = known_values(passage.text for passage in evidence.passages)
        passage_keys = [passage.key for passage in evidence.passages] if shown is None else shown
        self.valid_keys = passage_keys + [fact.key for fact in facts.items]
        self.report = DraftGuardReport()

    def check(self, paragraph: str) -> str:
        """A paragraph with every rule applied (a bold lead `**一是…。**` is checked as text, its markers kept
        apart so they never pass for a masked figure); what changed is added to `self.report`."""
        bold = _BOLD_LEAD.match(paragraph)
        if bold:
            return f"**{self._check(bold.group('lead'))}**{self._check(bold.group('rest'))}"
        return self._check(paragraph)

    def _check(self, text: str) -> str:
        citations = check_citations(text, self.valid_keys)
        self.report.invented_keys += citations.invented
        text, honours = replace_honours(citations.text, self.facts.texts())
        self.report.stale_honours += honours
        text, years = replace_foreign_years(text, self.years)
        self.report.stale_years += years
        return self._guard_figures(text)

    def _guard_figures(self, text: str) -> str:
        """Figures not in the facts → 〔待补〕, sorted into stale and invented; masked figures → 〔待补〕."""
        result = guard_figures(text, self.allowed, fill_masked=True)
        for figure in result.replaced:
            stale = all_known(find_figures(figure), self.past_values)
            (self.report.stale_figures if stale else self.report.invented_figures).append(figure)
        self.report.masked_figures += len(result.masked)
        return result.text
