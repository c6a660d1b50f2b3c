"""Which reports a comparison sets side by side, and in what order: the reports named, of the years and unit asked,
one column each; a year series (one unit over several years) is ordered by year."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..errors import UserError
from ..library.store import ReportRecord, matching_reports

_YEAR_RANGE = re.compile(r"^((?:19|20)\d\d)\s*(?:-|–|—|~|至|到)\s*((?:19|20)\d\d)$")
_YEAR = re.compile(r"^(?:19|20)\d\d$")
_SEPARATORS = re.compile(r"[\s,，、;；]+")
_MASK = re.compile(r"[*＊]+")
LISTED = 8   # stored reports named in an error message


@dataclass(frozen=True)
class CompareRequest:
    """What the user asked to compare."""

    section: str
    reports: tuple[str, ...] = ()   # file names, ids or title words; empty: every report
    years: str = ""                 # "2021-2023", "2021,2023" or one year
    org: str = ""                   # the unit whose reports to compare (a year series)
    summary: bool = False           # with a model: one paragraph on the differences


def parse_years(text: str) -> set[int]:
    """The years a `--years` value names: "2021-2023", "2021,2023", "2021 2022"; a clear error otherwise."""
    years: set[int] = set()
    for part in (piece for piece in _SEPARATORS.split(text.strip()) if piece):
        if span := _YEAR_RANGE.match(part):
            first, last = sorted((int(span.group(1)), int(span.group(2))))
            years.update(range(first, last + 1))
        elif _YEAR.match(part):
            years.add(int(part))
        else:
            raise UserError(f"年份的写法看不懂：“{part}”（例：2021-2023，或 2021,2023）")
    return years


def choose_reports(reports: Sequence[ReportRecord], request: CompareRequest) -> tuple[list[ReportRecord], bool]:
    """The columns: the reports named (else the unit's own, reference documents left out), narrowed to the years
    and unit asked; and whether they are a year series (one unit's reports over several years, then ordered by
    year)."""
    if not reports:
        raise UserError("资料库中还没有报告，请先用 zongjie ingest 导入往年的总结或述职报告")
    chosen = _named(reports, request.reports) if request.reports else [r for r in reports if not r.reference]
    if request.org.strip():
        chosen = [report for report in chosen if _of_unit(report, request.org.strip())]
        if not chosen:
            raise UserError(f"没有找到“{request.org.strip()}”的报告；已有的报告：{_listing(reports)}")
    if request.years.strip():
        years = parse_years(request.years)
        chosen = [report for report in chosen if report.year in years]
        if not chosen:
            raise UserError(f"没有{request.years.strip()}年的报告；已有的报告：{_listing(reports)}")
    years_apart = len({report.year for report in chosen if report.year}) >= 2
    if (request.org.strip() and years_apart) or is_year_series(chosen):
        return sorted(chosen, key=lambda report: (report.year or 0, report.source)), True
    return chosen, False


def is_year_series(reports: Sequence[ReportRecord]) -> bool:
    """One unit over several years: every report names the same unit (not only a mask) and the years differ."""
    units = {_MASK.sub("", report.unit or "") for report in reports}
    years = {report.year for report in reports if report.year}
    return len(reports) >= 2 and len(units) == 1 and bool(units - {"", "街道", "乡", "镇", "新区", "街道办"}) \
        and len(years) >= 2


def _named(reports: Sequence[ReportRecord], wanted: Sequence[str]) -> list[ReportRecord]:
    """The reports the user's names match, in the order named, each once."""
    chosen: dict[str, ReportRecord] = {}
    for value in wanted:
        whole = matching_reports(reports, value)   # a file name may hold a space or a comma
        for name in ([value] if whole else [piece for piece in _SEPARATORS.split(value) if piece]):
            matches = whole or matching_reports(reports, name)
            if not matches:
                raise UserError(f"资料库中没有与“{name}”对应的报告；已有的报告：{_listing(reports)}")
            chosen.update((report.source, report) for report in matches)
    return list(chosen.values())


def _of_unit(report: ReportRecord, org: str) -> bool:
    return org in (report.unit or "") or org in report.title


def _listing(reports: Sequence[ReportRecord]) -> str:
    """The stored reports as a user picks one: file and title, the first LISTED of them and how many more."""
    shown = "；".join(f"{report.source}（{report.title}）" for report in reports[:LISTED])
    return shown + (f"……等共 {len(reports)} 份（zongjie reports 列出全部）" if len(reports) > LISTED else "")
