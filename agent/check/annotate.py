"""Giving the findings back in the writer's own document: the same text with a Word comment (批注) on each
finding (`--out F.docx`), or a copy with only the mechanical fixes applied (`--fix`: punctuation width, the
wording lexicon, full-width digits); figures are never changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..files import write_atomically
from ..text.encoding import decode_text
from .findings import KIND_LABELS, SEVERITY_LABELS, CheckResult, Finding

AUTHOR, INITIALS = "zongjie 校对", "ZJ"
FIXABLE = frozenset({"punctuation", "wording", "number_usage", "numbering"})


@dataclass(frozen=True)
class Change:
    """One mechanical fix applied to the copy."""

    line: int
    before: str
    after: str

    def to_json(self) -> dict[str, object]:
        return {"line": self.line, "before": self.before, "after": self.after}


def write_commented(result: CheckResult, out: Path) -> int:
    """The draft as a Word file with a comment on every finding (a .docx keeps its own formatting; a text file
    becomes one paragraph per line); the number of comments written."""
    import docx

    if result.path.suffix.lower() == ".docx":
        document = docx.Document(str(result.path))
        paragraphs = _aligned(result, document.paragraphs)
    else:
        document = docx.Document()
        paragraphs = {line.number: document.add_paragraph(line.text) for line in result.lines}
    written = 0
    for finding in result.findings:
        paragraph = paragraphs.get(finding.line)
        runs = _runs_for(paragraph, finding.span) if paragraph is not None else []
        if runs:
            document.add_comment(runs, text=_comment(finding), author=AUTHOR, initials=INITIALS)
            written += 1
    write_atomically(out, lambda partial: document.save(str(partial)))
    return written


def write_fixed(result: CheckResult, out: Path) -> list[Change]:
    """A copy of the draft with the mechanical fixes of the findings applied; the changes made."""
    fixes = [finding for finding in result.findings if finding.fix and finding.kind in FIXABLE]
    if result.path.suffix.lower() == ".docx":
        return _fix_docx(result, fixes, out)
    text, encoding = decode_text(result.path.read_bytes())
    rows = text.split("\n")
    changes = []
    for finding in fixes:
        before, after = finding.fix
        row = rows[finding.line - 1]
        if before in row:
            rows[finding.line - 1] = row.replace(before, after, 1)
            changes.append(Change(finding.line, before, after))
    fixed = "\n".join(rows)
    write_atomically(out, lambda partial: partial.write_bytes(_encoded(fixed, encoding)))
    return changes


def _encoded(text: str, encoding: str) -> bytes:
    """The fixed copy in the draft's own encoding (a GBK file stays GBK), UTF-8 when that cannot hold it."""
    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return text.encode("utf-8")


def _fix_docx(result: CheckResult, fixes: list[Finding], out: Path) -> list[Change]:
    """Fixes inside single runs of a Word file (formatting kept); a fix spanning runs is left to the writer."""
    import docx

    document = docx.Document(str(result.path))
    paragraphs = _aligned(result, document.paragraphs)
    changes = []
    for finding in fixes:
        before, after = finding.fix
        paragraph = paragraphs.get(finding.line)
        run = next((run for run in paragraph.runs if before in run.text), None) if paragraph is not None else None
        if run is not None:
            run.text = run.text.replace(before, after, 1)
            changes.append(Change(finding.line, before, after))
    write_atomically(out, lambda partial: document.save(str(partial)))
    return changes


def _aligned(result: CheckResult, paragraphs: list) -> dict[int, object]:
    """Each checked line's Word paragraph: the next one, in order, whose text is the line's (a rendered list
    number may stand before it in the line)."""
    found, cursor = {}, 0
    for line in result.lines:
        for index in range(cursor, len(paragraphs)):
            text = paragraphs[index].text.strip()
            if text and (text == line.text or line.text.endswith(text)):
                found[line.number] = paragraphs[index]
                cursor = index + 1
                break
    return found


def _runs_for(paragraph, span: str) -> list:
    """The runs of a paragraph covering `span` (the whole paragraph's runs when the span is not found)."""
    runs = [run for run in paragraph.runs if run.text]
    if not runs:
        return []
    text = "".join(run.text for run in runs)
    start = text.find(span) if span else -1
    if start < 0:
        return runs
    end, position, covering = start + len(span), 0, []
    for run in runs:
        if position < end and position + len(run.text) > start:
            covering.append(run)
        position += len(run.text)
    return covering or runs


def _comment(finding: Finding) -> str:
    lines = [f"【{SEVERITY_LABELS[finding.severity]}·{KIND_LABELS[finding.kind]}】{finding.message}"]
    if finding.evidence:
        lines.append(f"依据：{finding.evidence['where']}：{finding.evidence['quote']}")
    if finding.suggestion:
        lines.append(f"建议：{finding.suggestion}")
    return "\n".join(lines)
