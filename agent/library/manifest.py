"""A corpus manifest (manifest.yaml beside the reports): title, year, document type and unit as written, and
`reference: true` for background material (a 政府工作报告, a policy document) that is not the unit's own record."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..errors import UserError

MANIFEST = "manifest.yaml"


def read_manifest(path: Path) -> dict[str, dict[str, Any]]:
    """A corpus manifest: {file name: {title, year, doc_type, unit, reference}}; missing file → {}."""
    if not path.is_file():
        return {}
    try:
        entries = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    except yaml.YAMLError as error:
        raise UserError(f"清单文件 {path} 格式有误：{str(error).splitlines()[0]}") from None
    return {entry["source"]: entry for entry in entries if isinstance(entry, dict) and "source" in entry}
