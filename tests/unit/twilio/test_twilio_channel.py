"""The channel itself (``bot.rasa.channels.twilio.channel``): a reply within the timeout whatever the
assistant does, the health route, and the settings it starts with (or refuses to)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from rasa.core.tracker_store import SQLTrackerStore

from bot import sms
from bot.privacy import pseudonym
from bot.rasa.channels.twilio import ChannelSetupError, TwilioChannel
from tests.unit.twilio.support import (
    FALLBACK,
    KEY,
    NUMBER,
    TOKEN,
    StandIn,
    live,
    make_app,
    make_channel,
    messages,
    post,
    stored_rows,
    twilio_params,
)

# Slow, failing or silent assistant ----------------------------------------------------------------


def test_slow_assistant_gets_the_fallback_before_twilio_gives_up(db: Path, store: SQLTrackerStore) -> None:
    handler = StandIn(store, delay=20)
    channel = make_channel(db, reply_timeout=2)
    with live(make_app(channel, handler), channel) as base:
        started = time.monotonic()
        reply = messages(post(base, twilio_params("hola")))
        elapsed = time.monotonic() - started
    assert elapsed < 2 + 1
    assert reply[0].endswith(sms.to_gsm7(FALLBACK))
    assert "911" in reply[0] and "110" in reply[0]


def test_message_answered_with_the_fallback_is_still_processed(db: Path, store: SQLTrackerStore) -> None:
    handler = StandIn(store, delay=2.5)
    channel = make_channel(db, reply_timeout=1)
    with live(make_app(channel, handler), channel) as base:
        assert sms.to_gsm7(FALLBACK) in messages(post(base, twilio_params("necesito albergue")))[0]
        deadline = time.monotonic() + 10
        while not handler.finished and time.monotonic() < deadline:
            time.sleep(0.1)
    assert handler.finished == [pseudonym(NUMBER, KEY)]
    assert stored_rows(db, pseudonym(NUMBER, KEY)) > 0


@pytest.mark.parametrize("trouble", ["fails", "says nothing"])
def test_failing_or_silent_assistant_gets_the_fallback(server: str, handler: StandIn, trouble: str) -> None:
    if trouble == "fails":
        handler.fail = True
    else:
        handler.reply = []
    reply = messages(post(server, twilio_params("hola")))
    assert reply[0].endswith(sms.to_gsm7(FALLBACK))


# Routes -------------------------------------------------------------------------------------------


def test_health_route(server: str) -> None:
    assert requests.get(server + "/webhooks/twilio/", timeout=10).json() == {"status": "ok"}


# Start-up -----------------------------------------------------------------------------------------


def test_refuses_to_start_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RUTA_DEV", raising=False)
    monkeypatch.setenv("RUTA_PSEUDONYM_KEY", "k" * 32)
    with pytest.raises(ChannelSetupError, match="TWILIO_AUTH_TOKEN"):
        TwilioChannel.from_credentials(None)


def test_refuses_to_start_without_a_pseudonym_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.delenv("RUTA_DEV", raising=False)
    monkeypatch.delenv("RUTA_PSEUDONYM_KEY", raising=False)
    with pytest.raises(ChannelSetupError, match="RUTA_PSEUDONYM_KEY"):
        TwilioChannel.from_credentials({})


def test_settings_from_credentials_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", TOKEN)
    monkeypatch.setenv("RUTA_PSEUDONYM_KEY", "k" * 32)
    monkeypatch.setenv("RUTA_PUBLIC_URL", "https://ruta.example.org/")
    monkeypatch.delenv("RUTA_DEV", raising=False)
    channel = TwilioChannel.from_credentials({"reply_timeout": 30, "sms_segments": "2", "gsm7": "false"})
    assert channel.name() == "twilio" and channel.url_prefix() == "twilio"
    assert channel.public_url == "https://ruta.example.org"
    assert channel.reply_timeout == 13  # clamped below Twilio's 15 s
    assert channel.sms_segments == 2 and channel.gsm7 is False
    assert channel.skip_signature is False


def test_development_flag_allows_starting_without_a_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TWILIO_AUTH_TOKEN", raising=False)
    monkeypatch.delenv("RUTA_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("RUTA_DEV", "1")
    assert TwilioChannel.from_credentials(None).skip_signature is True
