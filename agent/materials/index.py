"""Loading a materials folder for a draft year: read it, collect its facts, and keep its sentences in the store's
materials collection (marked with the year and folder; past-report retrieval never sees them)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Callable

from .facts import Materials, collect_facts
from .read import read_materials

Notify = Callable[[str], None]


def load_materials(folder: Path, year: int, store: Any = None, embedder: Any = None,
                   notify: Notify | None = None) -> Materials:
    """The folder's facts for `year`; with a store, its sentences are saved there too (replacing the folder's
    earlier ones for the same year)."""
    notify = notify or (lambda message: None)
    files, unreadable = read_materials(folder)
    materials = collect_facts(files, folder, year, unreadable)
    notify(f"读取 {len(files)} 份科室材料，共 {len(materials.facts)} 条事实"
           + (f"；{len(unreadable)} 份读不出来" if unreadable else ""))
    if store is not None and embedder is not None and materials.facts:
        index_materials(store, embedder, materials)
    return materials


def index_materials(store: Any, embedder: Any, materials: Materials) -> None:
    """Embed and store every fact sentence under the year and the folder."""
    folder = str(materials.folder.resolve())
    prefix = hashlib.sha256(folder.encode()).hexdigest()[:10]
    records = [{"id": f"{materials.year}-{prefix}-{fact.key}", "text": fact.label,
                "metadata": {"key": fact.key, "file": fact.file, "line": fact.line, "title": fact.title,
                             "topic": fact.topic, "frame": fact.frame}}
               for fact in materials.facts]
    store.replace_materials(materials.year, folder, records, embedder.embed([record["text"] for record in records]))
