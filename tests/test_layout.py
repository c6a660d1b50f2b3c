"""The house's layout holds: wings import one way, no module imports itself round a circle, and a built wheel
carries everything the code reads at run time (prompts, data files, the web page)."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AGENT = ROOT / "agent"
SHARED = {"errors", "files", "settings"}  # the top-level modules every wing may use
# What each wing may import besides itself and SHARED. Lower wings never reach up.
MAY_IMPORT = {
    "text": set(),
    "model": {"text"},
    "library": {"text", "model"},
    "answer": {"text", "model", "library", "workspace"},
    "materials": {"text", "model", "library"},
    "draft": {"text", "model", "library", "answer", "materials", "workspace"},
    "brief": {"text", "model", "library", "answer", "draft", "workspace"},
    "check": {"text", "model", "library", "materials", "draft", "workspace"},
    "compare": {"text", "model", "library", "draft", "workspace"},
    "evals": {"text", "model", "library", "answer", "materials", "draft", "brief", "check", "compare", "workspace"},
    "web": {"text", "model", "library", "answer", "materials", "draft", "brief", "check", "compare", "workspace"},
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The agent modules a file imports, wherever the import stands (lazy and TYPE_CHECKING ones included)."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join(base + ([node.module] if node.module else []))
            for alias in node.names:  # `from . import checks` imports a module
                candidate = f"{target}.{alias.name}"
                found.add(candidate if _exists(candidate) else target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "agent" and name != "agent"}


def _exists(module: str) -> bool:
    path = ROOT.joinpath(*module.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


GRAPH = {_module_name(path): _imports(path) for path in AGENT.rglob("*.py")}


def _room(module: str) -> str:
    """The wing of a module (agent.library.store → library), or its own name at the top (agent.cli → cli)."""
    return module.split(".")[1] if "." in module else "__init__"


def test_the_top_level_holds_only_entry_points_and_what_every_wing_shares() -> None:
    top = sorted(path.stem for path in AGENT.glob("*.py") if path.stem not in ("__init__", "__main__"))
    assert top == ["cli", "errors", "files", "settings", "workspace"]


@pytest.mark.parametrize("wing", sorted(MAY_IMPORT))
def test_a_wing_imports_only_the_wings_below_it(wing: str) -> None:
    allowed = MAY_IMPORT[wing] | SHARED | {wing}
    reaching_up = sorted(f"{module} → {target}" for module, targets in GRAPH.items() if _room(module) == wing
                         for target in targets if _room(target) not in allowed)
    assert reaching_up == []


def test_shared_modules_import_no_wing_above_text() -> None:
    for module in ("agent.errors", "agent.files", "agent.settings"):
        assert {_room(target) for target in GRAPH[module]} <= {"errors", "text"}, module


def test_no_module_imports_itself_round_a_circle() -> None:
    def visit(module: str, trail: list[str]) -> None:
        if module in trail:
            pytest.fail("import circle: " + " → ".join(trail[trail.index(module):] + [module]))
        for target in GRAPH.get(module, ()):
            if target not in done:
                visit(target, trail + [module])
        done.add(module)

    done: set[str] = set()
    for module in sorted(GRAPH):
        visit(module, [])


def test_every_package_of_agent_is_listed_for_the_wheel() -> None:
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    on_disk = {_module_name(path.parent / "__init__.py") for path in AGENT.rglob("__init__.py")}
    assert on_disk | {"agent.prompts"} == listed


def test_a_built_wheel_carries_the_prompts_the_data_and_the_page(tmp_path: Path) -> None:
    source = tmp_path / "src"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        (source / name).write_bytes((ROOT / name).read_bytes())
    for folder in ("agent", "prompts"):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                target = source / path.relative_to(ROOT)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(path.read_bytes())
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-q", "-w", str(tmp_path / "dist"), str(source)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr[-2000:]
    [wheel] = (tmp_path / "dist").glob("zongjie-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {f"agent/prompts/{path.relative_to(ROOT / 'prompts').as_posix()}"
                for path in (ROOT / "prompts").rglob("*.md")}
    expected |= {path.relative_to(ROOT).as_posix() for path in AGENT.rglob("*")
                 if path.is_file() and "__pycache__" not in path.parts}
    assert expected - names == set()
    assert len([name for name in names if name.startswith("agent/prompts/") and name.endswith(".md")]) >= 14
