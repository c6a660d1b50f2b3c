"""This year's department materials (科室材料): read a folder, turn its sentences into cited facts `[M#]`, place
each under a report section, and find what two materials repeat or disagree on. `zongjie draft --materials`
drafts from them; they live in a collection of their own, never mixed with past reports."""

from __future__ import annotations

from .facts import Conflict, MaterialFact, Materials, collect_facts
from .index import load_materials
from .read import MaterialFile, read_materials

__all__ = ["Conflict", "MaterialFact", "MaterialFile", "Materials", "collect_facts", "load_materials",
           "read_materials"]
