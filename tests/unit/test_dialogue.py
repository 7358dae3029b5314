"""Conversation logic over the real knowledge base, without Rasa."""

from __future__ import annotations

import pytest

from bot import menus
from bot.dialogue import Dialogue, Reply, State, Turn
from bot.kb.loader import KnowledgeBase, load
from tests.conftest import KB


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load(KB)


def _text(reply: Reply) -> str:
    return "\n".join(m["text"] for m in reply.messages)


def _apply(state: State, reply: Reply) -> State:
    return State(**{**state.__dict__, **reply.slots})


def test_topic_without_country_asks_for_it_then_a_number_answers(kb: KnowledgeBase) -> None:
    dialogue, state = Dialogue(kb), State()
    reply = dialogue.handle("topic", state, Turn("ask_asylum", "asilo"))
    assert reply.slots["pending_topic"] == "asylum"
    assert "3 Guatemala" in _text(reply)
    state = _apply(state, reply)
    reply = dialogue.handle("choose", state, Turn("choose_option", "3", number=3))
    assert reply.slots["country"] == "guatemala"
    assert "Guatemala" in _text(reply) and "Fuente:" in _text(reply) and "Revisado:" in _text(reply)


def test_answer_in_english_carries_source_date_and_dated_note(kb: KnowledgeBase) -> None:
    reply = Dialogue(kb).handle("topic", State(language="en", country="mexico"), Turn("ask_asylum", "asylum"))
    text = _text(reply)
    assert "COMAR" in text and "Source:" in text and "Reviewed:" in text
    assert "may have changed" in text


def test_more_gives_the_longer_text_with_exact_citations(kb: KnowledgeBase) -> None:
    state = State(country="mexico", last_topic="asylum")
    text = _text(Dialogue(kb).handle("more", state, Turn("more", "mas")))
    assert "Citas:" in text and "lines" in text


def test_emergency_number_comes_first(kb: KnowledgeBase) -> None:
    reply = Dialogue(kb).handle("topic", State(country="guatemala"), Turn("ask_work_permit", "me quieren matar"))
    assert reply.messages[0]["text"].startswith("Si estás en peligro ahora, llama al 110")


def test_emergency_without_country_lists_numbers_then_asks(kb: KnowledgeBase) -> None:
    reply = Dialogue(kb).handle("emergency", State(), Turn("emergency", "peligro"))
    first = reply.messages[0]["text"]
    assert "911" in first and "110" in first
    assert reply.slots["awaiting"] == "country"


def test_out_of_range_number_repeats_the_menu(kb: KnowledgeBase) -> None:
    state = State(menu=menus.country_menu().encode())
    text = _text(Dialogue(kb).handle("choose", state, Turn("choose_option", "9", number=9)))
    assert "del 1 al 7" in text and "1 México" in text


def test_town_named_with_a_topic_sets_the_country(kb: KnowledgeBase) -> None:
    reply = Dialogue(kb).handle("topic", State(), Turn("ask_work_permit", "trabajo en tapachula", city="Tapachula"))
    assert reply.slots["country"] == "mexico"


def test_fallback_is_honest_and_offers_the_menu(kb: KnowledgeBase) -> None:
    text = _text(Dialogue(kb).handle("fallback", State(language="en"), Turn("nlu_fallback", "xyzzy")))
    assert "did not understand" in text and "1 Apply for asylum" in text


def test_every_country_has_an_emergency_number(kb: KnowledgeBase) -> None:
    for cid, file in kb.countries.items():
        if cid != "regional":
            assert file.emergency is not None, cid


def test_menu_numbers_resolve_to_what_is_shown() -> None:
    menu = menus.main_menu()
    for language in ("es", "en"):
        lines = menu.render(language).splitlines()[1:]
        for number, line in enumerate(lines, 1):
            assert line.startswith(f"{number} ")
            assert line[len(f"{number} ") :] == menus.LABELS[menu.pick(number)][language]


def test_shelter_for_a_group_in_a_town_lists_places_then_forgets_the_filter(kb: KnowledgeBase) -> None:
    state = State(group="children")
    reply = Dialogue(kb).handle(
        "topic", state, Turn("ask_shelter", "albergue para niños en tapachula", city="Tapachula")
    )
    text = _text(reply)
    assert "Tapachula" in text and ("niñas" in text or "niños" in text)
    assert reply.slots["group"] is None


def test_an_ambiguous_town_is_asked_and_the_number_picks_it(kb: KnowledgeBase) -> None:
    dialogue = Dialogue(kb)
    reply = dialogue.handle("nearest", State(), Turn("inform_town", "san marcos", city="San Marcos"))
    listing = _text(reply)
    assert "San Marcos, San Marcos (Guatemala)" in listing
    number = next(int(line.split()[0]) for line in listing.splitlines() if "(Guatemala)" in line)
    picked = dialogue.handle("choose", _apply(State(), reply), Turn("choose_option", str(number), number=number))
    assert "Lugares más cercanos a San Marcos" in _text(picked) and "Tecún Umán" in _text(picked)


def test_unknown_town_says_so_and_keeps_waiting_for_a_town(kb: KnowledgeBase) -> None:
    reply = Dialogue(kb).handle("nearest", State(awaiting="town"), Turn("inform_town", "Zzyzxville"))
    assert "No encontré" in _text(reply) and reply.slots["awaiting"] == "town"


def test_safety_net_is_silent_unless_there_is_danger(kb: KnowledgeBase) -> None:
    dialogue = Dialogue(kb)
    assert dialogue.handle("safety_net", State(), Turn("goodbye", "gracias adios")).messages == []
    danger = dialogue.handle("safety_net", State(country="mexico"), Turn("goodbye", "gracias pero me quieren matar"))
    assert danger.messages[0]["text"].startswith("Si estás en peligro ahora, llama al 911")


def test_a_country_typed_while_one_is_awaited_is_understood_even_misspelt(kb: KnowledgeBase) -> None:
    state = State(awaiting="country", pending_topic="asylum", menu=menus.country_menu().encode())
    for text in ("estoy en guate", "guatemla"):
        reply = Dialogue(kb).handle("fallback", state, Turn("nlu_fallback", text))
        assert reply.slots["country"] == "guatemala", text
        assert "Guatemala" in _text(reply)
