"""A section written from this year's department materials, in the house style of the past reports.

The material facts of the section's topic are grouped into points by sub-theme (the words of the sentence, else
of the heading it sat under in its material); each point is headed by a lead phrase the past reports use for
that sub-theme when its words match what the point says (cited to the past passage), else by the material's
own heading, else by the sub-theme's plain heading. The body is the material sentences themselves, lightly
rephrased for the unit's report (no 科室 as subject, no list markers) and each cited `[M#]`: figures are never
retyped, so none can drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..library.subthemes import best_subtheme, load_subthemes
from ..library.topics import FRAME_TOPIC_IDS, TOPICS, Topic, get_topic
from ..materials.facts import SUMS_UP_YEAR, MaterialFact
from ..materials.read import is_number_cell
from ..text.chinese import ENUMERATION_MARKER, char_bigrams
from ..text.citations import insert_key
from .evidence import DraftEvidence
from .outline import MAX_POINTS, Outline, OutlinePoint

# A past lead phrase heads a point only when this share of its character pairs occur in the point's sentences:
# a heading about 警示教育 over sentences on 三重一大 would promise what the point does not say.
LEAD_MATCH = 0.3
OTHER = "其他"
# The stock verbs and fillers of 公文 headings: sharing them says nothing about what a point is about.
_STOCK_WORDS = ("严格落实", "全面落实", "认真落实", "切实加强", "不断加强", "持续深化", "扎实推进", "稳步推进",
                "全力推进", "着力", "强化", "提升", "加强", "推进", "推动", "深化", "坚持", "持续", "扎实", "全面",
                "不断", "切实", "进一步", "工作", "建设", "开展", "做好", "抓好", "落实", "有效", "取得", "成效",
                "明显", "稳步", "积极", "主动", "打造", "提高", "完善", "健全")
_STOCK_PAIRS = frozenset(pair for word in _STOCK_WORDS for pair in char_bigrams(word))
_FRAME_HEADING = re.compile(r"\d{4}年|问题|打算|计划|不足")
_OPENING_CONNECTIVE = re.compile(r"^(?:同时|此外|另外|其中|截至目前|目前)[，,]")
# A department speaking of itself ("平安办坚持…", "我办…"): in the unit's report the unit is the subject.
_OFFICE_AS_SUBJECT = re.compile(r"(?:(?<=^)|(?<=[，,]))(?:我|本)?(?:[\u4e00-\u9fa5]{1,5}(?:办公室|办|科|所|站)|科室|我委|本委)"
                                r"(?=在|坚持|围绕|紧扣|紧紧|以|按照|认真|积极|全面|扎实|深入|始终|聚焦|立足|主动|牢固|将|要)")


@dataclass
class MaterialPoint:
    """One point of a section: heading, where the heading comes from, and its facts."""

    heading: str
    subtheme: str
    facts: list[MaterialFact] = field(default_factory=list)
    heading_key: str = ""   # the past passage whose lead phrase heads the point


def opening_facts(topic: Topic, facts: list[MaterialFact]) -> list[MaterialFact]:
    """The facts that open a work section rather than join a point: a material's own summing-up of its year
    (under no heading; opening with the year, or counting nothing), as a report's section opens."""
    if topic.id in FRAME_TOPIC_IDS:
        return []
    return [fact for fact in facts if fact.file and not fact.headings and not fact.table
            and fact.material_topic == topic.id and (SUMS_UP_YEAR.match(fact.label) or not fact.has_figure)]


def plan_material_points(topic: Topic, facts: list[MaterialFact], evidence: DraftEvidence | None,
                         used_headings: set[str], block_sizes: dict[tuple, int] | None = None) -> list[MaterialPoint]:
    """The section's points, in the taxonomy's order, at most MAX_POINTS: each block of facts a material put
    under one heading is a point (the 科室 grouped them); a lone fact joins the point of its sub-theme. Within
    存在问题 / 下一步打算, the points are the subjects."""
    groups = _subject_groups(facts) if topic.id in FRAME_TOPIC_IDS else _block_groups(topic, facts)
    points = []
    for name, members in groups:
        point = MaterialPoint(heading="", subtheme=name, facts=members)
        point.heading, point.heading_key = _heading(topic, point, evidence, used_headings, block_sizes)
        used_headings.add(point.heading)
        points.append(point)
    return points


def material_outline(title: str, style: str, points: list[MaterialPoint]) -> Outline:
    """The points as an editable outline (the keys are the facts each point takes)."""
    return Outline(title=title, style=style,
                   points=[OutlinePoint(point.heading, point.subtheme, [fact.key for fact in point.facts])
                           for point in points])


def table_paragraphs(rows: list[MaterialFact]) -> list[str]:
    """A material's table as the report shows it, each table once: its caption (bold) and a pipe table whose
    header is the column names (or the first row when it counts nothing); every row cites its fact in its first
    cell, the header in its last."""
    paragraphs: list[str] = []
    tables: dict[tuple[str, int], list[MaterialFact]] = {}
    for fact in rows:
        tables.setdefault((fact.file, fact.table), []).append(fact)
    for facts in tables.values():
        caption = [fact for fact in facts if fact.caption]
        body = [fact for fact in facts if not fact.caption and fact.cells]
        if caption:
            paragraphs.append(f"**{caption[0].label}**[{caption[0].key}]")
        if body:
            paragraphs.append(_pipe_table(body))
    return paragraphs


def _pipe_table(rows: list[MaterialFact]) -> str:
    header_fact = None
    if rows[0].columns:
        header = list(rows[0].columns)
    else:
        names_columns = not any(is_number_cell(cell) for cell in rows[0].cells)
        header_fact = rows[0] if names_columns and len(rows) > 1 else None
        header = list(header_fact.cells) if header_fact else [""] * len(rows[0].cells)
        rows = rows[1:] if header_fact else rows
    width = max(len(header), *(len(row.cells) for row in rows))
    header += [""] * (width - len(header))
    if header_fact is not None:
        header[-1] += f"[{header_fact.key}]"
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * width]
    for row in rows:
        cells = list(row.cells) + [""] * (width - len(row.cells))
        cells[0] += f"[{row.key}]"
        lines.append("| " + " | ".join(cell.replace("|", "｜") for cell in cells) + " |")
    return "\n".join(lines)


def point_body(point: MaterialPoint, org: str) -> str:
    """The point's sentences, rephrased for the unit's report, each with its [M#] key."""
    return "".join(insert_key(sentence_for_report(fact.label, org), fact.key) for fact in point.facts)


def sentence_for_report(text: str, org: str = "") -> str:
    """A material sentence as the unit's report says it: no list marker or opening connective, no 科室 as its
    subject, ending in 。."""
    sentence = _OPENING_CONNECTIVE.sub("", ENUMERATION_MARKER.sub("", text.strip()))
    sentence = _OFFICE_AS_SUBJECT.sub("", sentence).lstrip("，,")
    sentence = sentence.rstrip("；;，,。 ")
    return sentence if sentence.endswith(("！", "？")) else f"{sentence}。"


def _subject_groups(facts: list[MaterialFact]) -> list[tuple[str, list[MaterialFact]]]:
    """Problems or plans by the subject they are about, in the taxonomy's order, 其他 last."""
    grouped: dict[str, list[MaterialFact]] = {}
    for fact in facts:
        grouped.setdefault(get_topic(fact.topic).name if fact.topic else OTHER, []).append(fact)
    order = {topic.name: index for index, topic in enumerate(TOPICS)}
    return _folded(sorted(grouped.items(), key=lambda item: order.get(item[0], len(order))))


def _block_groups(topic: Topic, facts: list[MaterialFact]) -> list[tuple[str, list[MaterialFact]]]:
    """Blocks (facts under one heading of one material; a fact under none is a block alone) with the sub-theme
    their heading and sentences match most; a one-fact block joins an earlier point of its sub-theme."""
    subthemes = load_subthemes().get(topic.id, ("", ()))[1]
    blocks: dict[tuple[str, tuple[str, ...]], list[MaterialFact]] = {}
    for fact in facts:
        blocks.setdefault((fact.file, fact.headings) if fact.headings else (fact.key, ()), []).append(fact)
    points: list[tuple[str, list[MaterialFact]]] = []
    for (_, headings), members in blocks.items():
        heading = headings[-1] if headings else ""
        best = best_subtheme(subthemes, " ".join([heading, heading, *(fact.label for fact in members)]))
        name = best.name if best else OTHER
        same = next((point for point in points if point[0] == name), None)
        if len(members) == 1 and same is not None:
            same[1].append(members[0])
        else:
            points.append((name, list(members)))
    order = {subtheme.name: index for index, subtheme in enumerate(subthemes)}
    return _folded(sorted(points, key=lambda point: order.get(point[0], len(order))))


def _folded(points: list[tuple[str, list[MaterialFact]]]) -> list[tuple[str, list[MaterialFact]]]:
    """At most MAX_POINTS points: the smallest folded into the point before it."""
    points = [(name, list(members)) for name, members in points]
    while len(points) > MAX_POINTS:
        smallest = min(range(1, len(points)), key=lambda index: len(points[index][1]))
        points[smallest - 1][1].extend(points.pop(smallest)[1])
    return points


def _heading(topic: Topic, point: MaterialPoint, evidence: DraftEvidence | None, used: set[str],
             block_sizes: dict[tuple, int] | None = None) -> tuple[str, str]:
    """A past lead phrase of the point's sub-theme matching its sentences (with its passage key), else the
    materials' own heading, else the sub-theme's plain heading."""
    body = "".join(fact.label for fact in point.facts)
    group = next((g for g in evidence.groups if g.name == point.subtheme), None) if evidence else None
    scored = [(heading_match(lead, body), lead, key) for lead, key in (group.leads if group else [])
              if lead not in used]
    scored = [entry for entry in scored if entry[0] >= LEAD_MATCH]
    if scored:
        _, lead, key = max(scored)
        return lead, key
    own = _own_heading(point, body, used, block_sizes or {})
    return (own, "") if own else (_plain_heading(topic, point, group), "")


def _own_heading(point: MaterialPoint, body: str, used: set[str], block_sizes: dict[tuple, int]) -> str:
    """The heading a 科室 put over this point's facts: that of the largest block the point holds whole (the
    科室's grouping kept), else one whose words the point's sentences say."""
    counts: dict[tuple, int] = {}
    for fact in point.facts:
        if fact.headings and len(fact.headings[-1]) <= 24:
            counts[(fact.file, fact.headings)] = counts.get((fact.file, fact.headings), 0) + 1
    usable = {block: count for block, count in counts.items()
              if block[1][-1] not in used and not _FRAME_HEADING.search(block[1][-1])}
    whole = [block for block, count in usable.items() if count == block_sizes.get(block, count)]
    if whole:
        return max(whole, key=lambda block: usable[block])[1][-1]
    matching = [block for block in usable if heading_match(block[1][-1], body) >= LEAD_MATCH]
    return max(matching, key=lambda block: usable[block])[1][-1] if matching else ""


def heading_match(heading: str, body: str) -> float:
    """The share of a heading's content (its character pairs, stock verbs like 严格落实 and 加强 left out) that
    the body says: "严格落实意识形态责任" over sentences on 三会一课 shares only its verbs, so 0."""
    content = {pair for pair in char_bigrams(heading) if pair not in _STOCK_PAIRS}
    if not content:
        return 0.0
    return len(content & char_bigrams(body)) / len(content)


def _plain_heading(topic: Topic, point: MaterialPoint, group) -> str:
    if group is not None and group.heading:
        return group.heading
    subthemes = {s.name: s for s in load_subthemes().get(topic.id, ("", ()))[1]}
    if point.subtheme in subthemes:
        return subthemes[point.subtheme].heading
    if topic.id == "wenti":
        return f"{point.subtheme}工作还有短板" if point.subtheme != OTHER else "其他方面还有不足"
    if topic.id == "dasuan":
        return f"持续抓好{point.subtheme}工作" if point.subtheme != OTHER else "统筹抓好其他各项工作"
    return f"扎实做好{topic.name}其他工作"


def _subject_order() -> dict[str, int]:
    return {topic.name: index for index, topic in enumerate(TOPICS)}
