"""Reading a folder of department materials (科室材料) into sentences that know their file, line and headings.

A material is what a 科室 sends the writer in December: a page or two of .docx or .txt (any encoding the report
loader reads), numbered by hand ("一、", "（二）", "1.") or by Word, sometimes with a table of figures. Each
sentence keeps the line it stands on (the paragraph number in a .docx), the headings above it, and the
document's title, so a fact drawn from it can be cited exactly and a writer can find it again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import LoadError, UserError
from ..library.ingest import Screening, discover_files
from ..library.loaders import LoadedDocument, Paragraph, load_document
from ..library.structure import match_heading
from ..text.chinese import ENUMERATION_MARKER
from ..text.encoding import decode_text
from ..text.figures import counts_in

HEADING_MAX_CHARS = 30
MIN_SENTENCE_CHARS = 8
LONG_SENTENCE_CHARS = 90   # a longer sentence listing measures with ； is split into its clauses
_SENTENCE = re.compile(r"[^。！？!?]+(?:[。！？!?]+[”’」』）)]*|$)")
_CLAUSE = re.compile(r"[^；;]+(?:[；;]|$)")
_COLUMN_UNIT = re.compile(r"[（(]([^（）()]{1,4})[）)]\s*$")   # 检查单位（家次）
_BARE_NUMBER = re.compile(r"[\d.,，\s]+[%‰]?")
_TABLE_CAPTION = re.compile(r"[^。，；]{2,40}表")
_TITLE_WORDS = re.compile(r"总结|材料|情况|汇报|报告|要点|工作")


@dataclass(frozen=True)
class MaterialSentence:
    """One sentence of a material, where it stands, and the headings it sits under."""

    text: str
    file: str
    line: int
    headings: tuple[str, ...] = ()
    table: int = 0                  # the number of the table it is a row of (1, 2 …), 0 for running text
    cells: tuple[str, ...] = ()     # a table row's cells
    columns: tuple[str, ...] = ()   # its table's column names, when the row gives them
    caption: bool = False           # the title line just above a table (…统计表)

    @property
    def where(self) -> str:
        """How a writer finds it again: 纪工委材料.txt 第12行."""
        return f"{self.file} 第{self.line}行"


@dataclass
class MaterialFile:
    """One department's material: its title and sentences."""

    name: str
    title: str
    sentences: list[MaterialSentence] = field(default_factory=list)


def read_materials(folder: Path) -> tuple[list[MaterialFile], list[str]]:
    """Every readable material under `folder`, in file-name order, and a line per file that could not be read
    (so one bad file does not lose the others)."""
    if not folder.exists():
        raise UserError(f"找不到材料目录：{folder}")
    paths = discover_files([folder])
    if not paths:
        raise UserError(f"材料目录 {folder} 中没有可读的文件（支持 .docx、.txt、.md、.pdf）")
    files, problems = [], []
    for path in sorted(paths, key=lambda p: p.name):
        try:
            files.append(read_material(path))
        except LoadError as error:
            problems.append(f"{path.name}：{error}")
    if not files:
        raise UserError("材料目录中的文件都读不出来：" + "；".join(problems))
    return files, problems


def read_material(path: Path) -> MaterialFile:
    """One material file: its title (first short line, else the file name) and its sentences."""
    document = load_document(path)
    screening = Screening()   # no classified material and no file that is no Chinese text, as with reports
    screening.check_shape(path.name, document.text)
    screening.check(path.name, document.text)
    lines = _line_numbers(document)
    material = MaterialFile(name=path.name, title=path.stem)
    headings: list[tuple[int, str]] = []   # (rank, heading text) from the outermost in
    tables = 0
    for index, (paragraph, line) in enumerate(zip(document.paragraphs, lines)):
        text = paragraph.text.strip()
        if not text:
            continue
        if index == 0 and _is_title(text):
            material.title = text
            continue
        if paragraph.table_row:
            previous = document.paragraphs[index - 1] if index else None
            tables += not (previous is not None and previous.table_row)
            material.sentences.append(_table_row(text, path.name, line, tuple(h for _, h in headings), tables))
            continue
        if _TABLE_CAPTION.fullmatch(text) and index + 1 < len(document.paragraphs) \
                and document.paragraphs[index + 1].table_row:
            material.sentences.append(MaterialSentence(text, path.name, line, tuple(h for _, h in headings),
                                                       tables + 1, caption=True))
            continue
        heading, body = _heading_and_body(paragraph)
        if heading is not None:
            rank, title = heading
            headings = [(r, h) for r, h in headings if r < rank] + [(rank, title)]
        context = tuple(h for _, h in headings)
        for sentence in split_material_sentences(body):
            material.sentences.append(MaterialSentence(sentence, path.name, line, context))
    if not material.sentences:
        raise LoadError("文件里没有成句的内容")
    return material


def split_material_sentences(text: str) -> list[str]:
    """Sentences of a paragraph; a long one listing several measures with ； becomes its clauses."""
    found = []
    for sentence in (s.strip() for s in _SENTENCE.findall(text)):
        if len(sentence) > LONG_SENTENCE_CHARS and sentence.count("；") + sentence.count(";") >= 1:
            found += [clause.strip() for clause in _CLAUSE.findall(sentence) if clause.strip()]
        elif sentence:
            found.append(sentence)
    return [sentence for sentence in found if len(sentence) >= MIN_SENTENCE_CHARS]


def _is_title(text: str) -> bool:
    """The document's opening line is its title when short, unnumbered, unpunctuated and named like one."""
    return (len(text) <= 40 and not text.endswith(("。", "；", "：", ":")) and match_heading(text) is None
            and bool(_TITLE_WORDS.search(text)))


def _heading_and_body(paragraph: Paragraph) -> tuple[tuple[int, str] | None, str]:
    """A heading line (its rank and words) and the text after it: "（二）强化监督执纪" is a heading with no body;
    "1.开展警示教育。全年开展…" a run-in heading with body; "1.全年开展警示教育10场。" is a numbered sentence."""
    text = paragraph.text.strip()
    if paragraph.heading_level is not None and len(text) <= HEADING_MAX_CHARS:
        return (paragraph.heading_level, _words(text)), ""
    found = match_heading(text)
    if found is not None and found.marker.endswith("是"):
        return None, text   # 一是…；二是…: the points of one paragraph, not headings
    if found is None:
        if len(text) <= HEADING_MAX_CHARS and not text.endswith(("。", "；", ";")) and not _counts(text):
            return (1, text.rstrip("：:")), ""   # an unnumbered heading line ("存在的问题") heads a part
        return None, text
    title = _words(found.title)
    if len(title) > HEADING_MAX_CHARS or _counts(title) or found.lead.strip() == found.marker.strip() \
            or (not found.remainder and text.endswith(("。", "；", ";"))):
        return None, ENUMERATION_MARKER.sub("", text)   # a numbered sentence ("1. 紧盯…；"), not a heading
    rank = found.rank if paragraph.list_level is None else 10 + paragraph.list_level
    return (rank, title), found.remainder


def _table_row(row: str, file: str, line: int, headings: tuple[str, ...], table: int) -> MaterialSentence:
    """A table row as the loader reads it, with its cells (and column names when it gives them)."""
    pairs = [cell.partition("：") for cell in re.split(r"[，,]", row)]
    named = all(colon for _, colon, _ in pairs) and len(pairs) > 1
    cells = tuple((value if named else name).strip() for name, _, value in pairs)
    columns = tuple(name.strip() for name, _, _ in pairs) if named else ()
    return MaterialSentence(row_as_sentence(row), file, line, headings, table, cells, columns)


def is_number_cell(cell: str) -> bool:
    """A table cell holding a bare number ("312", "98.8%"), not a label."""
    return bool(_BARE_NUMBER.fullmatch(cell.strip()))


def row_as_sentence(row: str) -> str:
    """A table row as the loader reads it ("季度：第一季度，检查单位（家次）：312，整改率：100%") said as a sentence
    ("第一季度，检查单位312家次，整改率100%。"): a label cell gives its value, a figure its column's words and unit."""
    pieces = []
    for cell in re.split(r"[，,]", row):
        name, colon, value = cell.partition("：")
        if not colon:
            pieces.append(cell.strip())
            continue
        unit = _COLUMN_UNIT.search(name)
        words = _COLUMN_UNIT.sub("", name).strip()
        if is_number_cell(value):
            pieces.append(f"{words}{value.strip()}{unit.group(1) if unit else ''}")
        elif re.search(r"\d", value):
            pieces.append(f"{words}{value.strip()}")
        else:
            pieces.append(value.strip())   # a label cell (第一季度)
    return "，".join(piece for piece in pieces if piece) + "。"


def _counts(text: str) -> bool:
    """Whether `text` states a figure (a year, as in "2024年工作计划", is no count)."""
    return bool(counts_in(text))


def _words(heading: str) -> str:
    """A heading without its marker and closing punctuation."""
    return ENUMERATION_MARKER.sub("", heading).strip().rstrip("。；;：:，,")


def _line_numbers(document: LoadedDocument) -> list[int]:
    """Where each paragraph stands: its line in a text file, its paragraph number in any other."""
    if document.format not in ("txt", "md"):
        return list(range(1, len(document.paragraphs) + 1))
    text, _encoding = decode_text(document.path.read_bytes())
    lines = text.split("\n")
    numbers, cursor = [], 0
    for paragraph in document.paragraphs:
        probe = paragraph.text.strip()[:12]
        found = next((i for i in range(cursor, len(lines)) if probe and probe in lines[i]), None)
        if found is not None:
            cursor = found
        numbers.append(cursor + 1)
    return numbers
