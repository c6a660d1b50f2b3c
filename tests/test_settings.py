"""Settings: flag > env > zongjie.toml > defaults, presets, and secrets never shown."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from agent.cli import app
from agent.errors import UserError
from agent.settings import PRESETS, load_settings


def _toml(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "zongjie.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_flag_beats_env_beats_toml_beats_default(tmp_path: Path) -> None:
    config = _toml(tmp_path, 'provider = "qwen"\nmodel = "qwen-max"\ntimeout = 15\nanswer_tokens = 700\n')
    env = {"ZONGJIE_MODEL": "qwen-turbo", "ZONGJIE_TIMEOUT": "20"}
    settings = load_settings({"model": "qwen-long"}, environ=env, config_path=config)
    assert settings.model == "qwen-long" and settings.origins["model"] == "命令行"
    assert settings.timeout == 20.0 and settings.origins["timeout"] == "环境变量 ZONGJIE_TIMEOUT"
    assert settings.answer_tokens == 700 and settings.origins["answer_tokens"].startswith("配置文件")
    assert settings.evidence_tokens == 3000 and "evidence_tokens" not in settings.origins


def test_openai_variables_are_honoured_and_zongjie_ones_win() -> None:
    settings = load_settings(environ={"OPENAI_API_KEY": "sk-openai", "OPENAI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert (settings.api_key, settings.base_url) == ("sk-openai", "http://127.0.0.1:9/v1")
    settings = load_settings(environ={"OPENAI_API_KEY": "sk-openai", "ZONGJIE_API_KEY": "sk-zongjie"})
    assert settings.api_key == "sk-zongjie"


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_each_preset_fills_endpoint_model_and_context(name: str) -> None:
    settings = load_settings({"provider": name}, environ={})
    preset = PRESETS[name]
    assert settings.chat_base_url == preset.base_url and settings.chat_model == preset.model
    assert settings.chat_context_window == preset.context_window
    assert settings.chat_base_url.startswith("http") and settings.chat_base_url.rstrip("/").endswith(("/v1", "/v4"))


def test_explicit_base_url_and_model_override_a_preset() -> None:
    settings = load_settings({"provider": "ollama", "base_url": "http://10.0.0.5:11434/v1", "model": "qwen2.5:14b"},
                             environ={})
    assert settings.chat_base_url == "http://10.0.0.5:11434/v1" and settings.chat_model == "qwen2.5:14b"


def test_bad_settings_are_clear_user_errors(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="未知的 provider.*deepseek"):
        load_settings({"provider": "gpt5"}, environ={})
    with pytest.raises(UserError, match="timeout 应为数字"):
        load_settings(environ={"ZONGJIE_TIMEOUT": "很快"})
    with pytest.raises(UserError, match="未知的设置项：colour"):
        load_settings(environ={}, config_path=_toml(tmp_path, 'colour = "red"\n'))
    with pytest.raises(UserError, match="http"):
        load_settings({"base_url": "api.deepseek.com"}, environ={})


def test_config_show_masks_the_key_and_names_where_each_value_came_from(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONGJIE_API_KEY", "sk-verysecretvalue1234")
    result = CliRunner().invoke(app, ["config", "show", "--provider", "deepseek", "--json"])
    assert result.exit_code == 0, result.output
    assert "verysecret" not in result.output
    shown = __import__("json").loads(result.stdout)
    assert shown["api_key"] == {"value": "sk-…1234", "from": "环境变量 ZONGJIE_API_KEY"}
    assert shown["provider"]["from"] == "命令行"
    assert shown["实际接口"]["value"] == "https://api.deepseek.com/v1"
