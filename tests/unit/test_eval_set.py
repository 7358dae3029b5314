"""The evaluation set is well formed, independent of the training data, and scored as documented."""

from __future__ import annotations

import importlib.util
import re
import sys
import unicodedata
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
SET = ROOT / "tests" / "eval" / "conversations.yml"
NLU_DIR = ROOT / "data" / "nlu"
CLASSES = {
    "danger", "child_alone", "where_now", "implied_country", "regional", "follow_up",
    "specific", "honesty", "long", "language", "basics",
}  # fmt: skip


def _load_eval_module():
    spec = importlib.util.spec_from_file_location("ruta_eval", ROOT / "scripts" / "eval.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


ev = _load_eval_module()


@pytest.fixture(scope="module")
def conversations():
    return ev.load_set(SET)


# ---------------------------------------------------------------- (a) the set is well formed


def test_every_turn_has_user_lang_must(conversations):
    raw = yaml.safe_load(SET.read_text(encoding="utf-8"))["conversations"]
    ids = [c["id"] for c in raw]
    assert len(ids) == len(set(ids)), "conversation ids must be unique"
    for conv in raw:
        for i, turn in enumerate(conv["turns"]):
            assert {"user", "lang", "must"} <= set(turn), f"{conv['id']} turn {i + 1}"
            assert turn["lang"] in ("es", "en")
            assert turn.get("class", conv.get("class")) in CLASSES, f"{conv['id']} turn {i + 1}"


def test_size_and_multi_turn_share(conversations):
    turns = [t for c in conversations for t in c.turns]
    multi = sum(len(c.turns) for c in conversations if 2 <= len(c.turns) <= 5)
    assert len(turns) >= 400
    assert multi / len(turns) >= 0.40
    assert max(len(c.turns) for c in conversations) <= 5


def test_every_class_language_and_country_is_covered(conversations):
    turns = [t for c in conversations for t in c.turns]
    assert {t.klass for t in turns} == CLASSES
    assert {t.lang for t in turns} == {"es", "en"} and any(t.mixed for t in turns)
    text = ev.normalise(" ".join(t.user for t in turns))
    for country in ("mexico", "belice", "guatemala", "el salvador", "honduras", "costa rica", "panama"):
        assert country in text
    # danger turns name an emergency line; no emergency turn is without one
    for t in turns:
        if t.emergency:
            assert any(a in ("911", "110") for g in t.must for a in g), f"{t.conversation} #{t.index}"


# ---------------------------------------------------------------- (b) independent of the training data

_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def training_examples() -> set[str]:
    """Every example of data/nlu/**/*.yml, annotations reduced to their text, normalised."""
    examples: set[str] = set()
    for path in sorted(NLU_DIR.rglob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in data.get("nlu") or []:
            block = item.get("examples") if isinstance(item, dict) else None
            if not isinstance(block, str):
                continue
            for line in block.splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.add(_normalise_example(_ANNOTATION.sub(r"\1", line[2:])))
    return examples


def _normalise_example(text: str) -> str:
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", folded).split())


def kb_phrasings() -> set[str]:
    """Every editors' phrasing of the knowledge base's questions: the question matcher and the
    danger classifier learn from them at run time, so they are training data too."""
    phrasings: set[str] = set()
    for path in sorted((ROOT / "knowledge_base").glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for question in data.get("questions") or []:
            for items in (question.get("ask") or {}).values():
                phrasings.update(_normalise_example(p) for p in items or [])
    return phrasings


@pytest.mark.parametrize("path", sorted((ROOT / "tests" / "eval").glob("*.yml")), ids=lambda p: p.name)
def test_no_evaluation_message_is_a_training_example(path: Path):
    """Every set in tests/eval/ (the main set and the held-out one) stays apart from what Ruta
    learns from: data/nlu and the knowledge base's question phrasings."""
    if not NLU_DIR.is_dir():
        pytest.skip("no data/nlu in this checkout")
    train = training_examples()
    assert train, "no training examples found: the loader no longer understands data/nlu"
    train |= kb_phrasings()
    # A bare menu number ("1", "7"), a bare greeting, thanks or menu word ("hola", "ok gracias",
    # "menú") or a bare country name ("mexico") is what everyone types; it carries nothing from the
    # training data, so it is allowed in both.
    from bot.understand import acts, patterns
    from bot.world.store import KnowledgeStore

    aliases = set(KnowledgeStore(ROOT / "knowledge_base").kb.country_aliases())

    def bare(text: str) -> bool:
        folded = patterns.normalise(text)
        return (
            text.strip().isdigit()
            or acts.read(folded) in ("greet", "thanks", "goodbye", "menu")
            or folded.strip() in aliases
        )

    overlap = sorted(
        {t.user for c in ev.load_set(path) for t in c.turns if _normalise_example(t.user) in train and not bare(t.user)}
    )
    assert not overlap, "evaluation messages also learnt from (rewrite them in the set):\n" + "\n".join(overlap)


# ---------------------------------------------------------------- (c) scoring

KNOWN = frozenset({"911", "110", "2017", "2020", "20261123", "2026", "11", "23", "45"})


def _turn(**kw):
    base = dict(conversation="t", index=1, user="x", lang="es", klass="danger", must=[["911"]], must_not=[])
    return ev.Turn(**{**base, **kw})


def test_right_reply_passes():
    turn = _turn(must=[["911"], ["COMAR", "Comisión Mexicana"]], must_not=["110"])
    reply = "Si estás en peligro llama al 911. Para pedir asilo ve a la Comisión Mexicana de Ayuda a Refugiados."
    assert ev.score_turn(turn, reply, KNOWN) == []


def test_missing_must_group_fails():
    turn = _turn(must=[["911"], ["COMAR"]])
    reasons = ev.score_turn(turn, "Si estás en peligro llama al 911, es gratis y funciona en todo el país.", KNOWN)
    assert len(reasons) == 1 and "COMAR" in reasons[0]


def test_forbidden_string_fails_accent_and_case_insensitively():
    turn = _turn(must=[["110"]], must_not=["en qué país estás"])
    reasons = ev.score_turn(turn, "Llama al 110. ¿En que PAIS estas ahora mismo?", KNOWN)
    assert reasons == ["forbidden: en qué país estás"]


def test_invented_digits_fail_but_known_and_typed_ones_pass():
    turn = _turn(must=[["911"]])
    reasons = ev.score_turn(turn, "Llama al 911 o a la oficina: 2222-3333, de lunes a viernes.", KNOWN)
    assert reasons == ["invented digits: 2222-3333"]
    ok = "Llama al 911. Fuente: MIRPS 2017. Revisado: 2026-11-23. La ley da 45 días."
    assert ev.score_turn(turn, ok, KNOWN) == []
    # digits the person wrote are not invented when the reply repeats them
    assert ev.score_turn(turn, "¿Te piden 3000 dólares? Llama al 911 ya.", KNOWN, said="piden 3000 dolares") == []


def test_wrong_language_fails():
    turn = _turn(lang="es", must=[["911"]])
    reply = "If you are in danger, call 911. It is free and it works in the whole country."
    reasons = ev.score_turn(turn, reply, KNOWN)
    assert len(reasons) == 1 and reasons[0].startswith("language: expected es")


def test_empty_reply_fails():
    assert ev.score_turn(_turn(), "   ", KNOWN) == ["empty reply"]


def test_matching_rules():
    # stems match at the start of a word; short words and acronyms only as whole words
    assert ev.contains("El principio de no devolución te protege", "devol")
    assert not ev.contains("razones humanitarias y derechos humanos", "año")
    assert not ev.contains("Ve de inmediato a un lugar seguro", "INM")
    assert ev.contains("El INM (migración) te da un permiso", "INM")
    assert not ev.contains("Llama al 9110", "911")


def test_language_check_ignores_names_and_urls():
    english = "In 2020, the only reception centre was in La Chacra, San Salvador; see https://www.gob.mx/comar"
    assert ev.reply_language(english) == "en"
    spanish = "Pide asilo a la COMAR, la Comisión Mexicana de Ayuda a Refugiados. Es gratis y puedes pedirlo así."
    assert ev.reply_language(spanish) == "es"
    assert ev.reply_language("911") is None


def test_kb_numbers_include_the_emergency_lines():
    known = ev.kb_numbers()
    assert {"911", "110"} <= known


def test_menu_options_do_not_answer_the_question():
    turn = _turn(must=[["albergue", "shelter"]])
    fallback = "No entendí tu mensaje.\nEscribe un número:\n1 Pedir asilo\n6 Albergue\n7 Ayuda legal\n0 Menú"
    assert ev.score_turn(turn, fallback, KNOWN) == ["missing one of albergue | shelter"]
    places = "Lugares más cercanos:\n1. Albergue de Cáritas: En Tegucigalpa (a unos 180 km).\n0 Menú"
    assert ev.score_turn(turn, places, KNOWN) == []


def test_computed_distances_are_not_invented():
    turn = _turn(must=[["Omoa"]])
    assert ev.score_turn(turn, "1. CAMR de Omoa: a unos 135 km. También en La Lima (about 125 km away).", KNOWN) == []
