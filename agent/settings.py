"""One typed settings object: CLI flag > environment (ZONGJIE_*) > zongjie.toml > defaults.

The environment is read when settings are built, never at import time. Secrets are never printed.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Mapping

from .errors import UserError

CONFIG_FILE = "zongjie.toml"


@dataclass(frozen=True)
class Settings:
    """Where the store lives, which embedder and model to use, and the endpoint to reach them."""

    store: Path = Path(".zongjie")
    store_url: str | None = None
    embedder: str = "local"
    provider: str = "offline"
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    corpus: Path = Path("corpus")
    max_file_mb: float = 20.0

    @property
    def cache_dir(self) -> Path:
        """Derived indexes (BM25) live here, beside the embedded store or for a server store."""
        return self.store / "derived"


_ENV = {
    "store": ("ZONGJIE_HOME", "ZONGJIE_STORE"), "store_url": ("ZONGJIE_STORE_URL",),
    "embedder": ("ZONGJIE_EMBEDDER",), "provider": ("ZONGJIE_PROVIDER",), "model": ("ZONGJIE_MODEL",),
    "base_url": ("ZONGJIE_BASE_URL", "OPENAI_BASE_URL"), "api_key": ("ZONGJIE_API_KEY", "OPENAI_API_KEY"),
    "corpus": ("ZONGJIE_CORPUS",), "max_file_mb": ("ZONGJIE_MAX_FILE_MB",),
}


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
                  config_path: Path | None = None) -> Settings:
    """Build settings from defaults, then zongjie.toml, then the environment, then explicit overrides."""
    environ = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    values.update(_from_toml(config_path or Path(environ.get("ZONGJIE_CONFIG", CONFIG_FILE))))
    values.update(_from_env(environ))
    values.update({key: value for key, value in (overrides or {}).items() if value is not None})
    return _coerce(replace(Settings(), **values))


def _from_toml(path: Path) -> dict[str, Any]:
    """Settings from a zongjie.toml, if one exists; a broken file is a clear user error."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"配置文件 {path} 格式有误：{error}") from None
    known = {item.name for item in fields(Settings)}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UserError(f"配置文件 {path} 有未知的设置项：{'、'.join(unknown)}")
    return data


def _from_env(environ: Mapping[str, str]) -> dict[str, Any]:
    """Settings from ZONGJIE_* variables (and OPENAI_API_KEY / OPENAI_BASE_URL)."""
    values: dict[str, Any] = {}
    for name, variables in _ENV.items():
        for variable in variables:
            if environ.get(variable):
                values[name] = environ[variable]
                break
    return values


def _coerce(settings: Settings) -> Settings:
    """Turn strings from files and the environment into the field types."""
    try:
        max_file_mb = float(settings.max_file_mb)
    except ValueError:
        raise UserError(f"max_file_mb 应为数字，实际为“{settings.max_file_mb}”") from None
    return replace(settings, store=Path(settings.store), corpus=Path(settings.corpus), max_file_mb=max_file_mb)
