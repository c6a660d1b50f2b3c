"""`zongjie config show/check`: what the settings resolve to, and whether the endpoint really answers."""

from __future__ import annotations

from typing import Any

from ..errors import ZongjieError
from ..settings import Settings, mask_secret
from ..text.sensitive import PERSONAL_KINDS
from .embedders import make_embedder
from .endpoints import Endpoint, chat_endpoint, embedding_endpoint
from .llm import OpenAICompatibleModel


def effective_model_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """(name, value, origin) of what the chat model settings resolve to once presets are applied."""
    if settings.is_offline:
        return [("对话引擎", "抽取式（离线，不调用任何模型）", "provider=offline")]
    preset = f"预设 {settings.preset.label}" if settings.preset else "设置"
    origin = lambda name: settings.origins.get(name, preset)  # noqa: E731
    return [("实际接口", settings.chat_base_url or "（未设置）", origin("base_url")),
            ("实际模型", _model_or_problem(settings), origin("model")),
            ("上下文窗口", str(settings.chat_context_window), origin("context_window")),
            ("工具调用（chat 代理模式）", "是" if settings.use_tools else "否", origin("tools"))]


def _model_or_problem(settings: Settings) -> str:
    """The model name, or what is wrong with it."""
    try:
        return settings.chat_model
    except ZongjieError as error:
        return str(error)


def check_settings(settings: Settings) -> dict[str, Any]:
    """Try the chat endpoint (one tiny request) and the embedder; say plainly what works and what does not, and
    where text goes and what is redacted on the way."""
    lines: list[str] = []
    ok = _check_chat(settings, lines) & _check_embedder(settings, lines)
    lines += egress_lines(settings)
    return {"ok": ok, "lines": lines, "egress": {"chat": _egress_json(chat_endpoint(settings)),
                                                 "embeddings": _egress_json(embedding_endpoint(settings))}}


def egress_lines(settings: Settings) -> list[str]:
    """Where chat and embedding text goes, how far that is, and what is done to it first."""
    lines = []
    for name, endpoint in (("对话", chat_endpoint(settings)), ("向量", embedding_endpoint(settings))):
        lines.append(f"数据去向（{name}）：{endpoint.describe()}；{_treatment(endpoint)}")
    if settings.egress == "strict":
        lines.append("egress = strict：所有接口按公网对待。")
    return lines


def _treatment(endpoint: Endpoint) -> str:
    if endpoint.is_local:
        return "数据不出本机，不做脱敏；可用于带密级标志的资料（需 --allow-classified 导入）。"
    return (f"发送前把{'、'.join(PERSONAL_KINDS)}替换为〔身份证号〕等占位符；带密级标志的资料一律不发送（请求在发出前被拒绝）；"
            "每个请求记入 zongjie logs --egress。")


def _egress_json(endpoint: Endpoint) -> dict[str, Any]:
    redacted = [] if endpoint.is_local else list(PERSONAL_KINDS)
    return {"url": endpoint.url, "reach": endpoint.reach, "redacted": redacted,
            "classified_allowed": endpoint.is_local}


def _check_chat(settings: Settings, lines: list[str]) -> bool:
    """One chat request against the configured endpoint."""
    if settings.is_offline:
        lines.append("✓ 对话：离线抽取式引擎，不需要接口和密钥。")
        return True
    try:
        model = OpenAICompatibleModel(settings)
    except ZongjieError as error:
        lines.append(f"✗ 对话：{error}")
        return False
    lines.append(f"对话接口：{model.base_url}　模型：{model.name}　密钥：{mask_secret(settings.api_key)}")
    if settings.preset and settings.preset.needs_key and not settings.api_key and not settings.base_url:
        lines.append("  注意：该服务需要 API 密钥，请设置 ZONGJIE_API_KEY 或 OPENAI_API_KEY。")
    try:
        reply = model.check()
    except ZongjieError as error:
        lines.append(f"✗ 对话：{error}")
        return False
    lines.append(f"✓ 对话：接口可用，模型已回复（{reply.strip()[:20] or '空回复'}）。")
    return True


def _check_embedder(settings: Settings, lines: list[str]) -> bool:
    """Embed one short text with the configured embedder."""
    try:
        embedder = make_embedder(settings.embedder, settings.base_url, settings.api_key)
        vector = embedder.embed(["党风廉政建设"])[0]
    except ZongjieError as error:
        lines.append(f"✗ 向量模型 {settings.embedder}：{error}")
        return False
    lines.append(f"✓ 向量模型：{embedder.name}（{len(vector)} 维）可用。")
    return True
