"""The compare wing: one topic across reports (units side by side) or across years (one unit's series)."""

from .columns import CompareRequest, parse_years
from .result import Comparison
from .run import compare_topic

__all__ = ["CompareRequest", "Comparison", "compare_topic", "parse_years"]
