"""Deterministic checks of one output: what a reviewer would check by hand, as code (no model needed).

Each check is a `Check` a report shows; the numbers behind the suite metrics (figures with no source, share of
sentences cited, …) come from the functions here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable

from ..text.chinese import split_sentences, to_half_width
from ..text.citations import ELISION, keys_in, strip_citations
from ..text.figures import PLACEHOLDER, all_known, find_figures, known_values
from .retrieval import squash as retrieval_squash

ChunkText = Callable[[str], "str | None"]
_HAN = re.compile(r"[\u4e00-\u9fff]")
_BOLD_LEAD = re.compile(r"\*\*[^*\n]+?\*\*")
_MASK = re.compile(r"\*{1,}")
_LIST_NUMBER = re.compile(r"^[ \t]*\d{1,2}\.[ \t]+", re.MULTILINE)


@dataclass(frozen=True)
class Check:
    """One named expectation, whether it held, and (when not) what a reviewer should look at."""

    name: str
    label: str
    passed: bool
    detail: str = ""
    blocking: bool = True

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "label": self.label, "passed": self.passed, "detail": self.detail,
                "blocking": self.blocking}


def must_contain(text: str, wanted: Iterable[str], name: str = "must_contain") -> Check:
    """Every wanted string is in the text."""
    missing = [item for item in wanted if item not in text]
    return Check(name, "必须包含", not missing, "缺少：" + "、".join(f"“{item}”" for item in missing) if missing else "")


def must_not_contain(text: str, unwanted: Iterable[str], name: str = "must_not_contain") -> Check:
    """None of the unwanted strings is in the text."""
    present = [item for item in unwanted if item in text]
    return Check(name, "不得包含", not present, "出现了：" + "、".join(f"“{item}”" for item in present) if present else "")


def squash(text: str) -> str:
    """Compare ignoring width, whitespace and citation keys."""
    return retrieval_squash(strip_citations(text))


def citation_is_valid(citation: dict[str, Any], chunk_text: ChunkText, facts_text: str = "") -> bool:
    """A passage citation resolves to a stored passage containing its quote; a facts or materials citation quotes
    the facts or materials (`facts_text`)."""
    quote = squash(citation.get("quote") or "")
    if citation.get("key", "").startswith(("F", "M")):   # this year's facts and materials quote themselves
        return bool(quote) and quote in squash(facts_text)
    text = chunk_text(citation.get("chunk_id") or "")
    if not quote or text is None:
        return False
    passage = squash(text)
    return all(part in passage for part in quote.split(ELISION) if part)


def dangling_keys(text: str, citations: list[dict[str, Any]]) -> list[str]:
    """Keys used in the text that no citation explains."""
    explained = {citation.get("key") for citation in citations}
    return sorted({key for key in keys_in(text) if key not in explained})


def citation_validity(text: str, citations: list[dict[str, Any]], chunk_text: ChunkText,
                      facts_text: str = "") -> tuple[Check, list[bool]]:
    """Every key in the text resolves, and every citation's quote stands in the passage it names."""
    valid = [citation_is_valid(citation, chunk_text, facts_text) for citation in citations]
    bad = [citation.get("key", "?") for citation, ok in zip(citations, valid) if not ok]
    dangling = dangling_keys(text, citations)
    detail = "；".join(part for part in (
        f"引文不在所引段落中：{'、'.join(bad)}" if bad else "",
        f"正文中的编号没有对应引用：{'、'.join(dangling)}" if dangling else "") if part)
    return Check("citation_validity", "引用有效", not detail, detail), valid + [False] * len(dangling)


def claim_sentences(text: str) -> list[str]:
    """The sentences of a text that state something: not titles, headings, bold leads, list labels or tables."""
    sentences = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", "|", ">", "注：")) or line.endswith(("：", ":")):
            continue
        body = _BOLD_LEAD.sub("", line)
        sentences += [sentence for sentence in split_sentences(body) if len(_HAN.findall(sentence)) >= 4]
    return sentences


def citation_coverage(text: str) -> float:
    """Share of the claim sentences that carry a citation key (1.0 when there are none, as for a refusal)."""
    sentences = claim_sentences(text)
    if not sentences:
        return 1.0
    return sum(bool(keys_in(sentence)) for sentence in sentences) / len(sentences)


def ungrounded_figures(text: str, sources: Iterable[str]) -> list[str]:
    """Figures of the text whose values appear in none of `sources` (masked figures and placeholders aside)."""
    allowed = known_values(sources)
    unlisted = _LIST_NUMBER.sub("", strip_citations(text))   # "1. 二、…": the heading marker starts the item
    return [figure.text for figure in find_figures(unlisted)
            if not figure.masked and figure.values and not all_known([figure], allowed)]


def filled_masks_cited(text: str, passages: dict[str, str], stated: Iterable[str] = ()) -> list[str]:
    """`filled_masks` line by line, each line against the passages it cites (a mask in one report and the same
    item stated with a number by another, 文明实践站*个 / 文明实践站17个, is no filled-in mask); a line citing
    nothing is checked against every passage."""
    filled: set[str] = set()
    for line in text.splitlines():
        cited = [passages[key] for key in keys_in(line) if key in passages] or list(passages.values())
        filled.update(filled_masks(line, cited, stated))
    return sorted(filled)


def filled_masks(text: str, sources: Iterable[str], stated: Iterable[str] = ()) -> list[str]:
    """Masked figures of the sources (`节前警示教育**次`) that the text states with a number instead (a number
    the user's facts state is theirs to give)."""
    plain = to_half_width(strip_citations(text)).replace(PLACEHOLDER, "")
    given = known_values(stated)
    filled = []
    for source in sources:
        for figure in find_figures(source):
            if not figure.masked or figure.text_start < 0:
                continue
            before = source[max(0, figure.text_start - 4):figure.text_start]
            unit = _MASK.sub("", figure.text).lstrip("0123456789.*")
            if len(_HAN.findall(before)) < 3:
                continue
            # spaces may stand between, a line break may not (…创新发展。 then the next line's "3. ")
            pattern = re.escape(before) + r"[ \t\u3000]*([0-9]+(?:\.[0-9]+)?)[ \t\u3000]*" + re.escape(unit)
            if any(float(match.group(1)) not in given for match in re.finditer(pattern, plain)):
                filled.append(before + figure.text)
    return sorted(set(filled))
