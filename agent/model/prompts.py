"""Prompts are Markdown files in `prompts/`, reviewed like code.

Each file opens with a front matter naming its variables, and uses them as `{{name}}`:

    ---
    variables: [question, evidence]
    ---
    问题：{{question}}

Loading checks that the declared and the used variables are the same set; rendering checks that every variable
gets a value and no unknown one is passed. A mistake is caught when the prompt is loaded, not in a model's reply.

The files live in `prompts/` at the top of the repository, where reviewers look for them; a built wheel carries
them inside the package as `agent/prompts/` (pyproject.toml maps the folder in), found through importlib.resources.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from ..errors import ZongjieError

_VARIABLE = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


class PromptError(ZongjieError):
    """A prompt file is missing or does not match its declared variables (a bug in the prompts, exit 1)."""


def prompts_dir() -> Path:
    """The prompts folder: ZONGJIE_PROMPTS if set, else the one installed with the package, else (a checkout or an
    editable install, where the package is the source tree) `prompts/` at the top of the repository."""
    override = os.environ.get("ZONGJIE_PROMPTS")
    if override:
        return Path(override)
    installed = Path(str(resources.files("agent") / "prompts"))
    return installed if installed.is_dir() else Path(__file__).resolve().parents[2] / "prompts"


@dataclass(frozen=True)
class Prompt:
    """One prompt template and the variables it takes."""

    name: str
    template: str
    variables: frozenset[str]

    def render(self, **values: str) -> str:
        """The prompt with every variable filled in; a missing or unknown variable is an error."""
        missing, unknown = self.variables - values.keys(), values.keys() - self.variables
        if missing or unknown:
            raise PromptError(f"提示词 {self.name}：缺少变量 {sorted(missing)}，多余变量 {sorted(unknown)}")
        return _VARIABLE.sub(lambda match: str(values[match.group(1)]), self.template)


@lru_cache(maxsize=64)
def load_prompt(name: str, directory: Path | None = None) -> Prompt:
    """Load `prompts/<name>.md` (e.g. "ask/system") and check its variables."""
    path = (directory or prompts_dir()) / f"{name}.md"
    if not path.is_file():
        raise PromptError(f"找不到提示词文件 {path}")
    return parse_prompt(name, path.read_text(encoding="utf-8"))


def parse_prompt(name: str, text: str) -> Prompt:
    """A prompt from a file's text: front matter with `variables`, then the template."""
    match = _FRONT_MATTER.match(text)
    if not match:
        raise PromptError(f"提示词 {name} 缺少开头的 --- variables: [...] --- 声明")
    header = yaml.safe_load(match.group(1)) or {}
    declared = frozenset(header.get("variables") or [])
    template = text[match.end():].strip() + "\n"
    used = frozenset(_VARIABLE.findall(template))
    if declared != used:
        raise PromptError(f"提示词 {name}：声明的变量 {sorted(declared)} 与正文中使用的 {sorted(used)} 不一致")
    return Prompt(name=name, template=template, variables=declared)
