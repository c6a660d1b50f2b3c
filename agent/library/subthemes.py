"""The sub-themes of each subject topic (党风廉政: 主体责任 / 纠治四风 / 警示教育 …), from
`agent/library/data/subthemes.yaml`: the points a section of that topic is usually made of, and the words that
signal each. Drafting groups sentences by them; placing this year's material facts counts their words as the
topic's."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

SUBTHEMES_PATH = Path(__file__).resolve().parent / "data" / "subthemes.yaml"


@dataclass(frozen=True)
class Subtheme:
    """One sub-theme of a topic: its name, a fallback point heading, the words that signal it."""

    name: str
    heading: str
    keywords: tuple[str, ...]

    def hits(self, text: str) -> int:
        """How many of the sub-theme's keywords occur in `text` (each once)."""
        return sum(1 for keyword in self.keywords if keyword in text)


@cache
def load_subthemes() -> dict[str, tuple[str, tuple[Subtheme, ...]]]:
    """Topic id → (section title, sub-themes) from the data file."""
    data = yaml.safe_load(SUBTHEMES_PATH.read_text(encoding="utf-8"))
    return {topic_id: (entry["title"], tuple(Subtheme(item["name"], item["heading"], tuple(item["keywords"]))
                                              for item in entry["subthemes"]))
            for topic_id, entry in data.items()}


def best_subtheme(subthemes: tuple[Subtheme, ...], text: str) -> Subtheme | None:
    """The sub-theme with most keyword hits in `text` (the earlier one on a tie), None when none hits."""
    scored = [(subtheme.hits(text), -index, subtheme) for index, subtheme in enumerate(subthemes)]
    hits, _, best = max(scored, default=(0, 0, None), key=lambda item: item[:2])
    return best if hits else None


def subtheme_hits(text: str) -> Counter[str]:
    """Per topic id, how many of its sub-themes' keywords occur in `text` (each keyword once)."""
    return Counter({topic_id: hits for topic_id, (_, subthemes) in load_subthemes().items()
                    if (hits := len({k for subtheme in subthemes for k in subtheme.keywords if k in text}))})
