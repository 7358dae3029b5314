"""Against the real Rasa server and model (the session's `ruta`, whose API is on with a token):
nobody without the token can read a conversation or replace the model, a replayed MessageSid is
answered once, and a deleted country file is refused while the last good content keeps serving."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest
import requests
from twilio.request_validator import RequestValidator

from tests.e2e.conftest import TWILIO_TOKEN
from tests.e2e.servers import Ruta


def _user_texts(ruta: Ruta, sender: str) -> list[str]:
    tracker = ruta.api("GET", f"/conversations/{sender}/tracker").json()
    return [e["text"] for e in tracker["events"] if e["event"] == "user"]


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/conversations/{sender}/tracker", {}),
        ("POST", "/conversations/{sender}/tracker/events", {"json": {"event": "bot", "text": "send money"}}),
        ("POST", "/conversations/{sender}/messages", {"json": {"text": "hola", "sender": "user"}}),
        ("PUT", "/model", {"json": {"model_file": "/tmp/attacker.tar.gz"}}),
        ("POST", "/model/train", {"data": "version: '3.1'\nnlu: []\n", "headers": {"Content-Type": "x-yaml"}}),
        ("DELETE", "/model", {}),
        ("GET", "/status", {}),
    ],
)
@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_rasas_api_refuses_calls_without_the_token(
    ruta: Ruta, method: str, path: str, kwargs: dict, token: str | None
) -> None:
    sender = f"api-{uuid.uuid4().hex[:8]}"
    response = ruta.api(method, path.format(sender=sender), token=token, **kwargs)
    assert response.status_code in (401, 403), response.text[:200]


def test_the_model_cannot_be_replaced_without_the_token_and_ruta_keeps_answering(ruta: Ruta) -> None:
    model = ruta.api("GET", "/status").json()["model_file"]
    assert ruta.api("PUT", "/model", token=None, json={"model_file": "/tmp/attacker.tar.gz"}).status_code == 401
    assert ruta.api("DELETE", "/model", token=None).status_code == 401
    assert ruta.api("GET", "/status").json()["model_file"] == model
    danger = ruta.say(f"api-{uuid.uuid4().hex[:8]}", "me quieren matar")
    assert any("110" in m.get("text", "") or "911" in m.get("text", "") for m in danger)


def test_with_the_token_staff_can_read_a_conversation(ruta: Ruta) -> None:
    sender = f"api-{uuid.uuid4().hex[:8]}"
    ruta.text(sender, "hola")
    assert _user_texts(ruta, sender) == ["hola"]


def _signed(ruta: Ruta, form: dict[str, str]) -> requests.Response:
    url = f"{ruta.url}/webhooks/twilio/webhook"
    headers = {"X-Twilio-Signature": RequestValidator(TWILIO_TOKEN).compute_signature(url, form)}
    return requests.post(url, data=form, headers=headers, timeout=30)


def test_a_replayed_message_sid_is_answered_once_even_after_borrar(ruta: Ruta) -> None:
    from bot import privacy
    from tests.e2e.conftest import PSEUDONYM_KEY

    number = "+5025" + str(uuid.uuid4().int)[:7]
    sender = privacy.pseudonym(number, PSEUDONYM_KEY.encode())
    message = {"From": number, "Body": "como pido asilo en mexico", "MessageSid": f"SM{uuid.uuid4().hex}"}
    first = _signed(ruta, message)
    assert "<Message>" in first.text
    again = _signed(ruta, message)
    assert again.status_code == 200 and "<Message>" not in again.text
    assert _user_texts(ruta, sender) == ["como pido asilo en mexico"]
    erased = _signed(ruta, {"From": number, "Body": "BORRAR", "MessageSid": f"SM{uuid.uuid4().hex}"})
    assert "borramos" in erased.text
    replayed = _signed(ruta, message)
    assert "<Message>" not in replayed.text
    time.sleep(1)
    assert _user_texts(ruta, sender) == [], "a replay after BORRAR stored the message again"


def test_rest_borrar_erases_as_on_twilio(ruta: Ruta) -> None:
    sender = f"rest-{uuid.uuid4().hex[:8]}"
    ruta.text(sender, "hola")
    assert ruta.text(sender, "BORRAR").startswith("Listo: borramos")
    assert _user_texts(ruta, sender) == []


def test_a_deleted_country_file_is_refused_and_its_emergency_number_kept(ruta: Ruta, kb_dir: Path) -> None:
    path = kb_dir / "guatemala.yml"
    original = path.read_bytes()
    log = ruta.workdir / "actions.log"
    before = log.stat().st_size
    try:
        path.unlink()
        deadline = time.monotonic() + 180  # a reload takes seconds; a loaded CI machine, much longer
        refused = ""
        while time.monotonic() < deadline:
            refused = log.read_bytes()[before:].decode(errors="replace")
            if "guatemala.yml:1 is missing" in refused:
                break
            time.sleep(0.5)
        assert "Knowledge base change refused" in refused and "guatemala.yml:1 is missing" in refused
        sender = f"kb-{uuid.uuid4().hex[:8]}"
        ruta.text(sender, "estoy en guatemala")
        assert "110" in ruta.text(sender, "me quieren matar")
    finally:
        path.write_bytes(original)
