"""Citation keys in generated text: `[S1]`, also the forms models drift into (`［S1］`, `[S1, S3]`, `【S2】`).

`S` keys cite report passages, `F` keys the user's own facts, `M` keys this year's department materials (drafts). Keys are normalised to `[S1][S3]`; a key
the evidence never offered is stripped and counted, never shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ELISION = "……"   # in a quote, between two sentences of a passage that do not follow one another there

_KEY_GROUP = re.compile(r"[\[［【]\s*([SFM]\s*\d+(?:\s*[,，、;；]\s*[SFM]\s*\d+)*)\s*[\]］】]", re.IGNORECASE)
_KEY_RUN = re.compile(rf"(?:{_KEY_GROUP.pattern})+", re.IGNORECASE)   # [S1][F2]: one place cited
_KEY = re.compile(r"([SFM])\s*(\d+)", re.IGNORECASE)
_CLOSING = re.compile(r"[。！？；!?;]*[”’」』）)]*\s*$")


@dataclass
class CitationCheck:
    """Text with only valid keys left, which keys it cites, and which invented ones were removed."""

    text: str
    cited: list[str] = field(default_factory=list)
    invented: list[str] = field(default_factory=list)


def keys_in(text: str) -> list[str]:
    """Every citation key in `text`, in order of appearance, normalised to "S<n>"/"F<n>" (repeats kept)."""
    return [f"{kind.upper()}{number}" for group in _KEY_GROUP.finditer(text)
            for kind, number in _KEY.findall(group.group(1))]


def check_citations(text: str, valid_keys: set[str] | list[str]) -> CitationCheck:
    """Normalise citation markers and strip keys not in `valid_keys`."""
    valid = set(valid_keys)
    check = CitationCheck(text="")

    def rewrite(match: re.Match[str]) -> str:
        kept = []
        for kind, number in _KEY.findall(match.group(1)):
            key = f"{kind.upper()}{number}"
            if key in valid:
                kept.append(key)
                if key not in check.cited:
                    check.cited.append(key)
            else:
                check.invented.append(key)
        return "".join(f"[{key}]" for key in kept)

    check.text = _KEY_GROUP.sub(rewrite, text)
    return check


def strip_citations(text: str) -> str:
    """The text without any citation markers (for quoting or exporting plain prose)."""
    return _KEY_GROUP.sub("", text)


def number_keys(text: str, numbers: dict[str, int]) -> str:
    """`text` with each run of keys ([S1][F2]) written as the numbers of their entries (〔1、2〕), as a Word file
    cites; a key without a number goes."""
    def numbered(match: re.Match[str]) -> str:
        found = [str(numbers[key]) for key in keys_in(match.group(0)) if key in numbers]
        return f"〔{'、'.join(dict.fromkeys(found))}〕" if found else ""
    return _KEY_RUN.sub(numbered, text)


def insert_key(sentence: str, key: str) -> str:
    """The sentence with `[key]` before its closing punctuation and quotes (at its end when it has none)."""
    closing = _CLOSING.search(sentence)
    return f"{sentence[:closing.start()]}[{key}]{sentence[closing.start():]}"


def rename_keys(text: str, names: dict[str, str]) -> str:
    """`text` with keys renamed (S1 → S7), as when sections keyed on their own join one document; a key not in
    `names` stays."""
    def renamed(match: re.Match[str]) -> str:
        return "".join(f"[{names.get(key, key)}]" for key in keys_in(match.group(0)))
    return _KEY_GROUP.sub(renamed, text)
