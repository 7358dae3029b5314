"""One real Ruta (trained model, action server, Rasa server, SQLite tracker) for the e2e tests."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Iterator

import pytest

from tests.e2e.servers import ROOT, Ruta, base_env


@pytest.fixture(scope="session")
def ruta(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ruta]:
    workdir = tmp_path_factory.mktemp("ruta")
    kb = workdir / "knowledge_base"
    shutil.copytree(ROOT / "knowledge_base", kb, ignore=shutil.ignore_patterns("schema"))
    env = base_env(RUTA_KB_PATH=str(kb), RUTA_DB_URL=f"sqlite:///{workdir / 'tracker.db'}")
    server = Ruta(workdir, env).start()
    yield server
    server.stop()


@pytest.fixture()
def kb_dir(ruta: Ruta) -> Path:
    return Path(ruta.env["RUTA_KB_PATH"])
