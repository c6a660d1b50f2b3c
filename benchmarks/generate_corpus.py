"""Synthetic but realistic 工作总结 made by recombining the real paragraphs of corpus/*.txt.

Each generated report keeps the 公文 shape of the samples: a title line naming a unit (from a list of plausible
街道 / 乡镇 / 新区 names, masked or not) and a year from 2016–2024, an opening paragraph, then top-level
`一、…` sections (work done → problems → plans) taken from the sample reports with a shuffled subset of their
sub-points (and now and then one borrowed from another report), renumbered. Years in the text move with the
report's year (a 2022 sample's "2023年工作安排" becomes "2020年工作安排" in a 2019 report); masked unit names
(`**街道`) become the report's unit when that is not masked. Deterministic for a seed, and report i is the
same whatever `n` is.

    python benchmarks/generate_corpus.py 200 /tmp/generated [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from agent.text.chinese import chinese_numeral  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
SOURCE_YEAR = 2022  # every sample report covers 2022
YEARS = range(2016, 2025)
NUMERALS = "一二三四五六七八九十"
UNITS = ("东湖街道", "新华街道", "长安街道", "青山街道", "金沙街道", "鼓楼街道", "解放街道", "城南街道", "白云街道",
         "朝阳街道", "南湖街道", "桥西街道", "城关镇", "柳林镇", "龙泉镇", "石桥镇", "黄土坡镇", "双河镇", "清水乡",
         "杨柳乡", "滨江新区", "临港新区", "天府新区", "湘江新区", "高新区", "经开区",
         "*街道", "**街道", "***街道", "**镇", "**乡", "**新区")
TITLES = ("{unit}{year}年工作总结", "{unit}党工委{year}年工作总结和{next}年工作安排", "{unit}领导班子{year}年工作总结",
          "{unit}{year}年总结和{next}年工作计划", "{year}年{unit}党工委书记抓基层党建工作述职报告",
          "{unit}党工委、办事处{year}年工作总结")

_TOP = re.compile(rf"^[{NUMERALS}]+、")
_SUB = re.compile(rf"^[（(][{NUMERALS}]+[）)]")
_ORDINAL = re.compile(rf"^[{NUMERALS}]+是")
_YEAR = re.compile(r"(?<!\d)(20[0-3]\d)(?=\s*年)")
_MASKED_UNIT = re.compile(r"[*＊]+(?:街道|新区|镇|乡)")
_PLAN_WORDS = ("安排", "计划", "打算", "下一步", "思路")
_PROBLEM_WORDS = ("存在问题", "不足", "差距", "短板")


@dataclass(frozen=True)
class SampleSection:
    """A top-level section of a sample report: heading, lead paragraphs, and its sub-points (each a list of lines)."""

    heading: str
    lead: tuple[str, ...]
    points: tuple[tuple[str, ...], ...]
    stage: str  # "work", "problem" or "plan"


@dataclass(frozen=True)
class SamplePool:
    """Everything the generator draws from: opening paragraphs and sections by stage."""

    openings: tuple[str, ...]
    sections: dict[str, tuple[SampleSection, ...]]


def generate_reports(n: int, seed: int = 0) -> list[tuple[str, str]]:
    """`n` synthetic reports as (file name, text), deterministic for `seed`."""
    pool = load_pool()
    return [generate_report(pool, index, seed) for index in range(n)]


def generate_report(pool: SamplePool, index: int, seed: int) -> tuple[str, str]:
    """Report number `index`: its own random stream, so it does not depend on how many others are made."""
    rng = random.Random(f"zongjie-bench:{seed}:{index}")
    year, unit = rng.choice(YEARS), rng.choice(UNITS)
    title = rng.choice(TITLES).format(unit=unit, year=year, next=year + 1)
    sections = _pick_sections(pool, rng)
    lines = [title, "", rng.choice(pool.openings)]
    for number, section in enumerate(sections):
        lines.extend(_render_section(section, number, pool, rng))
    text = _localise("\n".join(lines[1:]), year, unit)
    return f"gen{seed}_{index:05d}.txt", title + "\n" + text + "\n"


def generate_series(unit: str, years: range | list[int], seed: int = 0, must_mention: str = "廉政"
                    ) -> list[tuple[str, str]]:
    """One unit's reports over `years`, as a unit writes them: the same sections every year (among them one that
    mentions `must_mention`), each year a different subset and order of their points, now and then a borrowed
    one; years in the text move with the report's year."""
    pool = load_pool()
    rng = random.Random(f"zongjie-series:{seed}:{unit}")
    mentioning = [section for section in pool.sections["work"]
                  if any(must_mention in line for point in section.points for line in point)]
    others = [section for section in pool.sections["work"] if section not in mentioning]
    sections = [rng.choice(mentioning), *rng.sample(others, k=min(2, len(others)))]
    template = rng.choice(TITLES)
    reports = []
    for year in years:
        year_rng = random.Random(f"zongjie-series:{seed}:{unit}:{year}")
        title = template.format(unit=unit, year=year, next=year + 1)
        lines = [rng.choice(pool.openings)]
        for number, section in enumerate(sections):
            lines.extend(_render_section(section, number, pool, year_rng))
        reports.append((f"series{seed}_{year}.txt", title + "\n" + _localise("\n".join(lines), year, unit) + "\n"))
    return reports


def _pick_sections(pool: SamplePool, rng: random.Random) -> list[SampleSection]:
    """Three to five work sections, sometimes a problems section, usually a plans section, in that order."""
    work = rng.sample(pool.sections["work"], k=min(rng.randint(3, 5), len(pool.sections["work"])))
    problems = [rng.choice(pool.sections["problem"])] if pool.sections["problem"] and rng.random() < 0.5 else []
    plans = [rng.choice(pool.sections["plan"])] if pool.sections["plan"] and rng.random() < 0.8 else []
    return work + problems + plans


def _render_section(section: SampleSection, number: int, pool: SamplePool, rng: random.Random) -> list[str]:
    """The section renumbered, with a shuffled subset of its points (and perhaps one borrowed point)."""
    points = list(section.points)
    if len(points) > 1:
        points = rng.sample(points, k=rng.randint(max(1, (len(points) * 3 + 4) // 5), len(points)))
    donors = [other for other in pool.sections[section.stage] if other is not section and other.points]
    if donors and section.points and rng.random() < 0.3:
        points.insert(rng.randrange(len(points) + 1), rng.choice(rng.choice(donors).points))
    lines = [_renumber(section.heading, number, top=True), *section.lead]
    for point_number, point in enumerate(points):
        lines.append(_renumber(point[0], point_number, top=False))
        lines.extend(point[1:])
    return lines


def _renumber(line: str, number: int, top: bool) -> str:
    """Give a line the marker for position `number`: 一、 at the top level, （一） or 一是 below."""
    numeral = chinese_numeral(number + 1)
    if top:
        return _TOP.sub(f"{numeral}、", line, count=1)
    if _SUB.match(line):
        return _SUB.sub(f"（{numeral}）", line, count=1)
    return _ORDINAL.sub(f"{numeral}是", line, count=1)


def _localise(text: str, year: int, unit: str) -> str:
    """Move every year by the report's offset from the samples' year; name the unit where the samples mask it."""
    shift = year - SOURCE_YEAR
    text = _YEAR.sub(lambda match: str(int(match.group(1)) + shift), text)
    if not unit.startswith("*"):
        text = _MASKED_UNIT.sub(unit, text)
    return text


@lru_cache(maxsize=1)
def load_pool(corpus: Path = CORPUS) -> SamplePool:
    """Split every sample report into its opening paragraphs and top-level sections."""
    openings: list[str] = []
    sections: dict[str, list[SampleSection]] = {"work": [], "problem": [], "plan": []}
    for path in sorted(corpus.glob("*.txt")):
        opening, report_sections = _split_report(path.read_text(encoding="utf-8"))
        openings.extend(opening)
        for section in report_sections:
            sections[section.stage].append(section)
    return SamplePool(openings=tuple(openings), sections={stage: tuple(found) for stage, found in sections.items()})


def _split_report(text: str) -> tuple[list[str], list[SampleSection]]:
    """Opening paragraphs (title line dropped) and sections of one sample report."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    first_section = next((i for i, line in enumerate(lines) if _TOP.match(line)), len(lines))
    opening = [line for line in lines[:first_section] if not _looks_like_title(line)]
    blocks: list[list[str]] = []
    for line in lines[first_section:]:
        if _TOP.match(line) or not blocks:
            blocks.append([])
        blocks[-1].append(line)
    return opening, [_section(block) for block in blocks]


def _looks_like_title(line: str) -> bool:
    """A short line with no sentence punctuation (the report's own title)."""
    return len(line) <= 60 and not re.search(r"[。，：；]", line)


def _section(block: list[str]) -> SampleSection:
    """A section from its lines: points start at （一）; without those, each paragraph is a point."""
    heading, body = block[0], block[1:]
    starts = [i for i, line in enumerate(body) if _SUB.match(line)]
    if starts:
        lead = body[:starts[0]]
        points = [body[start:end] for start, end in zip(starts, starts[1:] + [len(body)])]
    else:
        lead, points = [], [[line] for line in body]
    return SampleSection(heading=heading, lead=tuple(lead), points=tuple(tuple(point) for point in points),
                         stage=_stage(heading))


def _stage(heading: str) -> str:
    """Whether a section reports work done, problems, or plans."""
    if any(word in heading for word in _PLAN_WORDS):
        return "plan"
    if any(word in heading for word in _PROBLEM_WORDS):
        return "problem"
    return "work"


def write_reports(reports: list[tuple[str, str]], directory: Path) -> list[Path]:
    """Write reports as UTF-8 .txt files into `directory`."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in reports:
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    """CLI: write N generated reports into OUTDIR."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of reports")
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = write_reports(generate_reports(args.n, args.seed), args.outdir)
    print(f"wrote {len(paths)} reports to {args.outdir}")


if __name__ == "__main__":
    main()
