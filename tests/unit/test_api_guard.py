"""Rasa's HTTP API only with authentication (bot/rasa/api_guard.py)."""

from __future__ import annotations

import pytest

from bot.rasa.api_guard import arguments


def test_without_enable_api_nothing_changes() -> None:
    assert arguments(["run", "--port", "5005"], {"RUTA_API_TOKEN": "t"}) == ["run", "--port", "5005"]


def test_the_token_comes_from_the_environment_not_the_command_line() -> None:
    assert arguments(["run", "--enable-api"], {"RUTA_API_TOKEN": "s3cret"}) == [
        "run",
        "--enable-api",
        "--auth-token",
        "s3cret",
    ]


@pytest.mark.parametrize("auth", [["--auth-token", "x"], ["--auth-token=x"], ["--jwt-secret", "y"]])
def test_explicit_authentication_is_kept(auth: list[str]) -> None:
    assert arguments(["run", "--enable-api", *auth], {}) == ["run", "--enable-api", *auth]


def test_an_open_api_is_refused() -> None:
    with pytest.raises(SystemExit, match="RUTA_API_TOKEN"):
        arguments(["run", "--enable-api"], {"RUTA_API_TOKEN": "  "})
