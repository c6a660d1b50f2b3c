"""One typed settings object: CLI flag > environment (ZONGJIE_*) > zongjie.toml > defaults.

The environment is read when settings are built, never at import time. Secrets are never printed: `describe()`
masks the API key. A provider may be a named preset (deepseek, qwen, glm, moonshot, openai, ollama, vllm) that
fills in the endpoint, a sensible default model and its context window.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlparse

from .errors import UserError

CONFIG_FILE = "zongjie.toml"
OFFLINE = "offline"


@dataclass(frozen=True)
class Preset:
    """A known OpenAI-compatible service: where it lives, a default model, how much context that model takes."""

    name: str
    label: str
    base_url: str
    model: str
    context_window: int
    tools: bool
    needs_key: bool = True


PRESETS: dict[str, Preset] = {preset.name: preset for preset in (
    Preset("openai", "OpenAI", "https://api.openai.com/v1", "gpt-4o-mini", 128_000, True),
    Preset("deepseek", "DeepSeek", "https://api.deepseek.com/v1", "deepseek-chat", 64_000, True),
    Preset("qwen", "通义千问（DashScope 兼容模式）", "https://dashscope.aliyuncs.com/compatible-mode/v1", "qwen-plus",
           128_000, True),
    Preset("glm", "智谱 GLM", "https://open.bigmodel.cn/api/paas/v4", "glm-4-flash", 128_000, True),
    Preset("moonshot", "Moonshot（Kimi）", "https://api.moonshot.cn/v1", "moonshot-v1-32k", 32_000, True),
    # On-prem servers: Ollama's default context is small and tool support depends on the model and server flags.
    Preset("ollama", "Ollama（本机）", "http://127.0.0.1:11434/v1", "qwen2.5:7b", 8_192, False, needs_key=False),
    Preset("vllm", "vLLM（自建）", "http://127.0.0.1:8000/v1", "Qwen/Qwen2.5-7B-Instruct", 32_768, False,
           needs_key=False),
)}


@dataclass(frozen=True)
class Settings:
    """Where the store lives, which embedder and chat model to use, and how to reach and budget the model."""

    store: Path = Path(".zongjie")
    store_url: str | None = None
    embedder: str = "local"
    provider: str = OFFLINE
    model: str | None = None
    base_url: str | None = None
    api_key: str | None = None
    corpus: Path = Path("corpus")
    max_file_mb: float = 20.0
    timeout: float = 60.0
    max_retries: int = 3
    retry_wait: float = 2.0            # first backoff in seconds when the endpoint gives no Retry-After
    max_retry_wait: float = 60.0       # never wait longer than this for one retry, whatever Retry-After says
    context_window: int | None = None  # tokens; from the preset when not set, else 8192
    answer_tokens: int = 1024
    evidence_tokens: int = 3000
    temperature: float = 0.2
    tools: str = "auto"                # auto | on | off: tool-calling agent in chat
    egress: str = "auto"               # auto: judge endpoints by their address; strict: treat every one as public
    query_rewrite: str = "off"         # on: with a chat model, searches also use the reports' words for the question
    origins: Mapping[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def cache_dir(self) -> Path:
        """Derived indexes (BM25) live here, beside the embedded store or for a server store."""
        return self.store / "derived"

    @property
    def run_log(self) -> Path:
        """The SQLite run log of model calls."""
        return self.store / "runs.sqlite"

    @property
    def preset(self) -> Preset | None:
        """The named preset the provider refers to, if any."""
        return PRESETS.get(self.provider)

    @property
    def is_offline(self) -> bool:
        """True when answers come from the extractive engine, with no model at all."""
        return self.provider == OFFLINE

    @property
    def chat_model(self) -> str:
        """The model name to send: the explicit one, else the preset's default."""
        if self.model:
            return self.model
        if self.preset:
            return self.preset.model
        raise UserError("未指定对话模型：请用 --model 或环境变量 ZONGJIE_MODEL 指定，或用 --provider 选预设"
                        f"（{'、'.join(PRESETS)}）")

    @property
    def chat_base_url(self) -> str | None:
        """The endpoint: the explicit one, else the preset's."""
        return self.base_url or (self.preset.base_url if self.preset else None)

    @property
    def chat_context_window(self) -> int:
        """Tokens the model accepts in one request (prompt and answer together)."""
        if self.context_window:
            return self.context_window
        return self.preset.context_window if self.preset and not self.model else 8192

    @property
    def use_tools(self) -> bool:
        """Whether chat runs as a tool-calling agent."""
        if self.tools == "auto":  # a preset's own service is known to call tools; an arbitrary URL is not
            on_preset_service = self.preset and (not self.base_url or self.base_url == self.preset.base_url)
            return bool(on_preset_service and self.preset.tools)
        return self.tools == "on"

    def describe(self) -> list[tuple[str, str, str]]:
        """(name, value, where it came from) for every setting, the API key masked."""
        rows = []
        for item in fields(self):
            if item.name == "origins":
                continue
            value = getattr(self, item.name)
            shown = mask_secret(value) if item.name == "api_key" else ("—" if value is None else str(value))
            rows.append((item.name, shown, self.origins.get(item.name, "默认值")))
        return rows


def mask_secret(secret: str | None) -> str:
    """An API key shown safely: its first three and last four characters at most."""
    if not secret:
        return "（未设置）"
    if len(secret) <= 10:
        return "****"
    return f"{secret[:3]}…{secret[-4:]}"


_ENV = {
    "store": ("ZONGJIE_HOME", "ZONGJIE_STORE"), "store_url": ("ZONGJIE_STORE_URL",),
    "embedder": ("ZONGJIE_EMBEDDER",), "provider": ("ZONGJIE_PROVIDER",), "model": ("ZONGJIE_MODEL",),
    "base_url": ("ZONGJIE_BASE_URL", "OPENAI_BASE_URL"), "api_key": ("ZONGJIE_API_KEY", "OPENAI_API_KEY"),
    "corpus": ("ZONGJIE_CORPUS",), "max_file_mb": ("ZONGJIE_MAX_FILE_MB",), "timeout": ("ZONGJIE_TIMEOUT",),
    "max_retries": ("ZONGJIE_MAX_RETRIES",), "retry_wait": ("ZONGJIE_RETRY_WAIT",),
    "max_retry_wait": ("ZONGJIE_MAX_RETRY_WAIT",), "context_window": ("ZONGJIE_CONTEXT_WINDOW",),
    "answer_tokens": ("ZONGJIE_ANSWER_TOKENS",), "evidence_tokens": ("ZONGJIE_EVIDENCE_TOKENS",),
    "temperature": ("ZONGJIE_TEMPERATURE",), "tools": ("ZONGJIE_TOOLS",), "egress": ("ZONGJIE_EGRESS",),
    "query_rewrite": ("ZONGJIE_QUERY_REWRITE",),
}
_NUMBERS = {"max_file_mb": float, "timeout": float, "max_retries": int, "retry_wait": float,
            "max_retry_wait": float, "context_window": int, "answer_tokens": int, "evidence_tokens": int,
            "temperature": float}


def load_settings(overrides: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None,
                  config_path: Path | None = None) -> Settings:
    """Build settings from defaults, then zongjie.toml, then the environment, then explicit overrides."""
    environ = os.environ if environ is None else environ
    path = config_path or Path(environ.get("ZONGJIE_CONFIG", CONFIG_FILE))
    layers = [_from_toml(path), _from_env(environ),
              {name: (value, "命令行") for name, value in (overrides or {}).items() if value is not None}]
    chosen = {name: pair for layer in layers for name, pair in layer.items()}
    values = {name: value for name, (value, _) in chosen.items()}
    origins = {name: origin for name, (_, origin) in chosen.items()}
    return _validate(_coerce(replace(Settings(), **values, origins=origins)))


def _from_toml(path: Path) -> dict[str, tuple[Any, str]]:
    """Settings from a zongjie.toml (value, origin), if one exists; a broken file is a clear user error."""
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise UserError(f"配置文件 {path} 格式有误：{error}") from None
    known = {item.name for item in fields(Settings)} - {"origins"}
    unknown = sorted(set(data) - known)
    if unknown:
        raise UserError(f"配置文件 {path} 有未知的设置项：{'、'.join(unknown)}")
    return {name: (value, f"配置文件 {path}") for name, value in data.items()}


def _from_env(environ: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Settings from ZONGJIE_* variables (and OPENAI_API_KEY / OPENAI_BASE_URL), with the variable's name."""
    values: dict[str, tuple[str, str]] = {}
    for name, variables in _ENV.items():
        for variable in variables:
            if environ.get(variable):
                values[name] = (environ[variable], f"环境变量 {variable}")
                break
    return values


def _coerce(settings: Settings) -> Settings:
    """Turn strings from files and the environment into the field types."""
    changes: dict[str, Any] = {"store": Path(settings.store), "corpus": Path(settings.corpus)}
    for name, kind in _NUMBERS.items():
        value = getattr(settings, name)
        if value is None:
            continue
        try:
            changes[name] = kind(value)
        except (TypeError, ValueError):
            wanted = "整数" if kind is int else "数字"
            raise UserError(f"设置 {name} 应为{wanted}，实际为“{value}”") from None
    changes["provider"] = str(settings.provider).strip().lower()
    changes["tools"] = str(settings.tools).strip().lower()
    changes["egress"] = str(settings.egress).strip().lower()
    changes["query_rewrite"] = {"true": "on", "false": "off"}.get(str(settings.query_rewrite).strip().lower(),
                                                                   str(settings.query_rewrite).strip().lower())
    return replace(settings, **changes)


def _validate(settings: Settings) -> Settings:
    """Reject settings that cannot work, naming the choices."""
    if settings.provider not in (OFFLINE, *PRESETS):
        raise UserError(f"未知的 provider“{settings.provider}”。可选：{OFFLINE}（离线抽取式）、"
                        + "、".join(f"{name}（{preset.label}）" for name, preset in PRESETS.items()))
    if settings.tools not in ("auto", "on", "off"):
        raise UserError(f"tools 应为 auto、on 或 off，实际为“{settings.tools}”")
    if settings.query_rewrite not in ("on", "off"):
        raise UserError(f"query_rewrite 应为 on 或 off，实际为“{settings.query_rewrite}”")
    if settings.egress not in ("auto", "strict"):
        raise UserError(f"egress 应为 auto 或 strict，实际为“{settings.egress}”")
    if settings.base_url and urlparse(settings.base_url).scheme not in ("http", "https"):
        raise UserError(f"接口地址“{settings.base_url}”应以 http:// 或 https:// 开头")
    for name in ("timeout", "answer_tokens", "evidence_tokens"):
        if getattr(settings, name) <= 0:
            raise UserError(f"设置 {name} 应大于 0")
    return settings
