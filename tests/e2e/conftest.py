"""One real Ruta (trained model, action server, Rasa server, SQLite tracker) for the e2e tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.servers import ROOT, Ruta, base_env

TWILIO_TOKEN = "e2e-test-auth-token-0123456789abcdef"
PSEUDONYM_KEY = "e2e-test-pseudonym-key-0123456789abcdef"


@pytest.fixture(scope="session")
def ruta(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ruta]:
    workdir = tmp_path_factory.mktemp("ruta")
    kb = workdir / "knowledge_base"
    shutil.copytree(ROOT / "knowledge_base", kb, ignore=shutil.ignore_patterns("schema"))
    env = base_env(
        RUTA_KB_PATH=str(kb),
        RUTA_DB_URL=f"sqlite:///{workdir / 'tracker.db'}",
        TWILIO_AUTH_TOKEN=TWILIO_TOKEN,
        RUTA_PSEUDONYM_KEY=PSEUDONYM_KEY,
    )
    server = Ruta(workdir, env).start()
    yield server
    server.stop()


@pytest.fixture()
def kb_dir(ruta: Ruta) -> Path:
    return Path(ruta.env["RUTA_KB_PATH"])
