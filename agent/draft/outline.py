"""A draft's outline: 3–6 numbered points in the reports' own form (一是… or （一）…), each tied to a sub-theme
and the passages behind it. It is saved as a small text file a staffer can edit and hand back (`--outline`).

    # 2023年党风廉政建设工作情况
    一是压紧压实管党治党主体责任  〔主体责任〕[S2][S11]
    二是持之以恒纠治“四风”  〔纠治四风〕[S1][S8]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserError
from ..text.chinese import char_bigrams
from ..text.citations import keys_in
from .evidence import DraftEvidence, SubthemeGroup
from .numbering import marker

MIN_POINTS, MAX_POINTS = 3, 6
_POINT_LINE = re.compile(r"^\s*(?:[一二三四五六七八九十]+是|[（(][一二三四五六七八九十\d]+[）)]|[一二三四五六七八九十]+、"
                         r"|\d+[、.．)]|[-*•])\s*(?P<rest>.+)$")
_SUBTHEME_TAG = re.compile(r"〔(?P<name>[^〔〕]+)〕")
_KEYS = re.compile(r"\s*[\[［【][SFM]\d+[^\]］】]*[\]］】]")


@dataclass
class OutlinePoint:
    """One point: its heading, the sub-theme it draws on ("" for a point of the user's own), its passages."""

    heading: str
    subtheme: str = ""
    keys: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"heading": self.heading, "subtheme": self.subtheme, "keys": self.keys}


@dataclass
class Outline:
    """The title and the numbered points of a draft section."""

    title: str
    style: str
    points: list[OutlinePoint]

    def numbered(self) -> list[str]:
        """Each point's heading with its marker: 一是… or （一）…."""
        return [f"{marker(self.style, index)}{point.heading}" for index, point in enumerate(self.points)]

    def render(self) -> str:
        """The editable outline file."""
        lines = [f"# {self.title}"]
        for line, point in zip(self.numbered(), self.points):
            tag = f"  〔{point.subtheme}〕" if point.subtheme else ""
            lines.append(f"{line}{tag}{''.join(f'[{key}]' for key in point.keys)}")
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "style": self.style, "points": [point.to_json() for point in self.points]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Outline":
        return cls(title=data["title"], style=data["style"],
                   points=[OutlinePoint(**point) for point in data["points"]])


def plan_outline(evidence: DraftEvidence, title: str) -> Outline:
    """3–6 points from the sub-themes past reports support most, in the taxonomy's order, each headed by a lead
    phrase the reports themselves use where one fits."""
    groups = _chosen_groups(evidence.groups)
    used: set[str] = set()
    points = [OutlinePoint(_heading_for(group, used), group.name, group.keys) for group in groups]
    return Outline(title=title, style=evidence.style, points=points)


def parse_outline(text: str, evidence: DraftEvidence, title: str) -> Outline:
    """An outline a user edited: numbered lines are points; `〔sub-theme〕` and keys are kept when valid, and a
    new point is tied to the sub-theme its words match best (or none)."""
    points: list[OutlinePoint] = []
    for line in text.splitlines():
        if line.startswith("#"):
            title = line.lstrip("#").strip() or title
            continue
        match = _POINT_LINE.match(line)
        if match:
            points.append(_parse_point(match.group("rest"), evidence))
    if not points:
        raise UserError("提纲文件里没有找到要点：每个要点占一行，以“一是”“（一）”或“1.”开头")
    if len(points) > 15:
        raise UserError(f"提纲有 {len(points)} 个要点，太多了：一节总结一般 3–6 个要点")
    return Outline(title=title, style=evidence.style, points=points)


def _parse_point(rest: str, evidence: DraftEvidence) -> OutlinePoint:
    """One edited point line (without its marker)."""
    tag = _SUBTHEME_TAG.search(rest)
    valid = {passage.key for passage in evidence.passages}
    keys = [key for key in keys_in(rest) if key in valid]
    heading = _KEYS.sub("", _SUBTHEME_TAG.sub("", rest)).strip().rstrip("。；;：:")
    names = {group.name for group in evidence.groups}
    subtheme = tag.group("name") if tag and tag.group("name") in names else _closest_group(heading, evidence)
    if subtheme and not keys:
        keys = next(group.keys for group in evidence.groups if group.name == subtheme)
    return OutlinePoint(heading=heading, subtheme=subtheme, keys=keys)


def _closest_group(heading: str, evidence: DraftEvidence) -> str:
    """The sub-theme whose sentences and leads share most words with a heading the user wrote ("" for none)."""
    pairs = char_bigrams(heading)
    scored = [(len(pairs & char_bigrams(group.heading + "".join(lead for lead, _ in group.leads)
                                         + "".join(s.text for s in group.sentences))) / max(len(pairs), 1),
               group.name) for group in evidence.groups]
    share, name = max(scored, default=(0.0, ""))
    return name if share >= 0.5 else ""


def _chosen_groups(groups: list[SubthemeGroup]) -> list[SubthemeGroup]:
    """At most MAX_POINTS groups, the best supported first (reports, then sentences), kept in data order; when
    fewer than MIN_POINTS have evidence, the largest is split by its lead phrases so the section still has 3."""
    ranked = sorted(groups, key=lambda group: (len(group.sources), len(group.sentences)), reverse=True)
    chosen = ranked[:MAX_POINTS]
    while 0 < len(chosen) < MIN_POINTS and any(len(group.leads) > 1 for group in chosen):
        chosen = _split_largest(chosen)
    return [group for group in groups if group in chosen] + [group for group in chosen if group not in groups]


def _split_largest(groups: list[SubthemeGroup]) -> list[SubthemeGroup]:
    """Split the group with most lead phrases into one group for its first lead's passage and one for the rest."""
    largest = max(groups, key=lambda group: len(group.leads))
    lead, key = largest.leads[0]
    first = SubthemeGroup(largest.name, lead, [s for s in largest.sentences if s.key == key], [(lead, key)],
                          largest.keywords)
    rest = SubthemeGroup(f"{largest.name}（续）", largest.heading,
                         [s for s in largest.sentences if s.key != key], largest.leads[1:], largest.keywords)
    return [group for group in groups if group is not largest] + [first, rest]


def _heading_for(group: SubthemeGroup, used: set[str]) -> str:
    """The group's point heading: the lead phrase of a past report that best matches the sub-theme (leads in
    several reports' wording are a house style), else the sub-theme's own heading."""
    words = char_bigrams(group.heading + group.name)

    def fit(lead: str) -> int:
        return 2 * group.hits(lead) + len(char_bigrams(lead) & words)

    candidates = [lead for lead, _ in group.leads if lead not in used and fit(lead)]
    best = max(candidates, key=fit, default=group.heading)
    used.add(best)
    return best
