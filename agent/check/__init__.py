"""Proofreading a draft a person wrote (`zongjie check`): figures against this year's facts and materials, what
slipped in from past reports, and the 公文 rules, each finding with its line, severity and evidence."""

from __future__ import annotations

from .findings import ERROR, HINT, WARNING, CheckResult, Finding
from .run import CheckRequest, check_draft

__all__ = ["ERROR", "HINT", "WARNING", "CheckRequest", "CheckResult", "Finding", "check_draft"]
