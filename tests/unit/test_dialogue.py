"""Conversation logic over the real knowledge base, without Rasa: every message goes through
``Dialogue.respond``, as it does behind ``action_respond``."""

from __future__ import annotations

from bot import menus
from bot.dialogue import Dialogue, Reply, State, Turn
from bot.world import KnowledgeBase


def _text(reply: Reply) -> str:
    return "\n".join(m["text"] for m in reply.messages)


def _apply(state: State, reply: Reply) -> State:
    return State(**{**state.__dict__, **reply.slots})


def talk(kb: KnowledgeBase, messages: list[str], state: State | None = None) -> tuple[list[str], State]:
    """Send messages in turn (no trained intent: the signals alone must carry them)."""
    dialogue, state = Dialogue(kb), state or State()
    texts = []
    for message in messages:
        reply = dialogue.respond(state, Turn("", message))
        texts.append(_text(reply))
        state = _apply(state, reply)
    return texts, state


def test_topic_without_country_asks_for_it_then_a_number_answers(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["asilo", "3"])
    assert "3 Guatemala" in texts[0]
    assert state.country == "guatemala"
    assert "Guatemala" in texts[1] and "Fuente:" in texts[1] and "Revisado:" in texts[1]


def test_answer_in_english_carries_source_and_date(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["how do i ask for asylum in mexico"], State(language="en"))
    assert "COMAR" in texts[0] and "Source:" in texts[0] and "Reviewed:" in texts[0]


def test_emergency_number_comes_first_whatever_else_is_asked(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["permiso de trabajo, pero me quieren matar"], State(country="guatemala"))
    assert texts[0].startswith("Si estás en peligro ahora, llama al 110")


def test_emergency_without_country_lists_numbers_then_asks(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["trae pistola y dice que me va a buscar"])
    assert "911" in texts[0] and "110" in texts[0]
    assert state.awaiting == "country"


def test_child_alone_gets_the_emergency_line_and_child_protection(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["tengo 13 y ando sin mis papás en guatemala"])
    assert texts[0].startswith("Si estás en peligro ahora, llama al 110")
    assert "niñ" in texts[0].lower()
    assert "Escribe un número del 1" not in texts[0]


def test_where_now_wins_over_where_from(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["soy salvadoreño pero ya vivo en Guatemala, ¿me pueden dar refugio aquí?"])
    assert state.country == "guatemala" and state.origin == "el_salvador"


def test_follow_up_gives_the_same_topic_for_the_new_country(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["como pido asilo en mexico", "¿y en Panamá cómo es?", "what about belize"])
    assert "COMAR" in texts[0]
    assert state.country == "belize" and state.last_topic == "asylum"
    assert "Panamá" in texts[1] and "Belize" in texts[2]


def test_out_of_range_number_repeats_the_menu(kb: KnowledgeBase) -> None:
    state = State(menu=menus.country_menu(kb).encode())
    texts, _ = talk(kb, ["9"], state)
    assert "del 1 al 7" in texts[0] and "1 México" in texts[0]


def test_a_number_inside_a_sentence_is_not_a_menu_choice(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["tengo 2 hijos y necesito albergue en tapachula"], State(menu=menus.main_menu().encode()))
    assert "Escribe un número del 1" not in texts[0]


def test_fallback_is_honest_and_offers_the_menu(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["xyzzy"], State(language="en"))
    assert "did not understand" in texts[0] and "1 Apply for asylum" in texts[0]


def test_guarantee_is_never_promised(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["me van a aprobar el asilo? me lo garantizas?"], State(country="mexico"))
    assert "Nadie puede garantizar" in texts[0]


def test_contact_details_never_invented(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["cual es el telefono de la oficina de asilo"], State(country="belize"))
    known = {p.place.phone for p in kb.places if p.place.phone}
    digits = [w for w in texts[0].replace("-", " ").split() if sum(c.isdigit() for c in w) >= 7]
    assert all(any(d in k.replace("-", " ") for k in known) for d in digits)


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
            assert line[len(f"{number} ") :] == menus.label(menu.pick(number), language)


def test_shelter_for_a_group_in_a_town_lists_places_then_forgets_the_filter(kb: KnowledgeBase) -> None:
    reply = Dialogue(kb).respond(State(), Turn("ask_shelter", "albergue para niños en tapachula", group="children"))
    text = _text(reply)
    assert "Tapachula" in text and ("niñas" in text or "niños" in text)
    assert reply.slots["group"] is None


def test_a_shelter_asked_for_in_a_town_lists_shelters_first(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["necesito albergue en xela"])
    first = texts[0].split("\n")[1]
    assert first.startswith("1. Casa del Migrante"), texts[0]
    texts, _ = talk(kb, ["necesito albergue, estoy en guatemala", "ando en xela"])  # the topic waits for the town
    assert texts[1].split("\n")[1].startswith("1. Casa del Migrante"), texts[1]


def test_a_parents_danger_message_keeps_what_it_asks_about_the_child(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["estamos en tapachula, nos amenazaron en honduras, mi hija de 8 años puede ir a la escuela?"])
    assert texts[0].startswith("Si estás en peligro ahora, llama al 911"), texts[0]
    assert "escuela" in texts[0] and "sin sus padres" not in texts[0]  # not a child travelling alone
    texts, _ = talk(kb, ["estamos en tapachula y a mi hijo de 12 lo quieren matar los mareros"])
    assert "911" in texts[0] and ("niñ" in texts[0] or "DIF" in texts[0])  # child protection still


def test_where_is_a_doctor_in_a_town_is_a_health_question(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["I am in Tapachula, where is a doctor for me"])
    assert state.last_topic == "health" and not texts[0].startswith("Nearest places"), texts[0]
    texts, _ = talk(kb, ["donde queda la comar en tapachula"])  # an office is a place: still places
    assert "Tapachula" in texts[0] and "COMAR" in texts[0]


def test_everyday_words_are_not_asking_for_contact_details(kb: KnowledgeBase) -> None:
    from bot.understand import signals

    for text in (
        "estoy en Liberia y quiero saber si en la Caja me atienden aunque no tenga seguro",
        "can I move to Tijuana while my case is still open?",
        "me da miedo andar en la calle",
    ):
        assert not signals.read(text, kb, None).contact, text
    assert signals.read("a que hora atienden en la comar de tapachula", kb, None).contact


def test_asking_for_another_language_in_a_sentence_repeats_the_answer_in_it(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["como pido asilo en mexico", "me lo puede poner en ingles? es para mi vecina"])
    assert state.language == "en" and "COMAR" in texts[1], texts[1]
    texts, state = talk(kb, ["do you speak spanish? necesito un albergue en mexico"])
    assert state.language == "es" and state.last_topic == "shelter", texts[0]


def test_a_topic_word_does_not_name_an_office_and_promises_are_guarantees(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["oiga aqui en tapa donde queda la ofisina del refugio"])
    assert "COMAR" in texts[0] and "Nansen" not in texts[0], texts[0]
    texts, _ = talk(kb, ["estoy en costa rica", "me prometes que no me deportan si pido refugio"])
    assert "garantizar" in texts[1] or "garantía" in texts[1], texts[1]


def test_can_they_send_me_back_gets_the_no_return_answer(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["estoy en costa rica", "and they cant send me back to nicaragua while im waiting right?"])
    assert "no devolución" in texts[1], texts[1]
    story = "Mi prima dice que sin permiso me pueden deportar. ¿Es cierto que con el papel de refugio puedo trabajar?"
    texts, state = talk(kb, ["estoy en costa rica", story])  # the story's "me pueden deportar" is not the question
    assert state.last_topic == "work_permit" or "trabaj" in texts[1], texts[1]


def test_the_country_the_message_puts_the_person_in_beats_a_town_read_elsewhere(kb: KnowledgeBase) -> None:
    dialogue = Dialogue(kb)
    text = "cuban here, flew to mexico first then came over to belize, now im in belmopan. where is the office"
    reply = dialogue.respond(State(language="en"), Turn("nearest_office", text, city="mexico"))
    assert "Belize" in _text(reply) and "Mexico City" not in _text(reply), _text(reply)


def test_a_number_for_women_is_the_help_line_not_an_office_phone(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["estoy en el salvador", "hay algun numero solo para mujeres?"])
    assert "126" in texts[1] and "No tengo un teléfono verificado" not in texts[1], texts[1]


def test_follow_ups_on_the_office_and_the_paper_keep_the_conversation(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["how do i apply for asylum in belize", "and where is that office"], State(language="en"))
    assert "Belmopan" in texts[1] and "Which town" not in texts[1], texts[1]
    texts, state = talk(kb, ["como pido asilo en mexico", "ok y despues que papel me dan"])
    assert state.last_topic == "documents" or "constancia" in texts[1], texts[1]


def test_a_child_alone_who_then_names_the_country_gets_its_child_protection(kb: KnowledgeBase) -> None:
    texts, _ = talk(
        kb, ["tengo 15 años y viajo solo, tengo hambre y no se donde voy a dormir hoy", "estoy en panama, en la ciudad"]
    )
    assert "911" in texts[1] and "SENNIAF" in texts[1], texts[1]


def test_an_ambiguous_town_is_asked_and_the_number_picks_it(kb: KnowledgeBase) -> None:
    dialogue = Dialogue(kb)
    reply = dialogue.respond(State(awaiting="town"), Turn("inform_town", "san marcos", city="San Marcos"))
    listing = _text(reply)
    assert "San Marcos, San Marcos (Guatemala)" in listing
    number = next(int(line.split()[0]) for line in listing.splitlines() if "(Guatemala)" in line)
    picked = dialogue.respond(_apply(State(), reply), Turn("choose_option", str(number)))
    assert "Lugares más cercanos a San Marcos" in _text(picked) and "Tecún Umán" in _text(picked)


def test_unknown_town_says_so_and_keeps_waiting_for_a_town(kb: KnowledgeBase) -> None:
    reply = Dialogue(kb).respond(State(awaiting="town"), Turn("inform_town", "Zzyzxville"))
    assert "No encontré" in _text(reply) and reply.slots["awaiting"] == "town"


def test_a_country_typed_while_one_is_awaited_is_understood_even_misspelt(kb: KnowledgeBase) -> None:
    state = State(awaiting="country", pending_topic="asylum", menu=menus.country_menu(kb).encode())
    for text in ("estoy en guate", "guatemla"):
        texts, after = talk(kb, [text], state)
        assert after.country == "guatemala", text
        assert "Guatemala" in texts[0]


def test_staff_get_citations_on_request(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["como pido asilo en mexico", "fuentes"])
    assert "Fuentes de la última respuesta" in texts[1] and "·" in texts[1]


def test_a_regional_topic_is_answered_without_asking_the_country(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["que es eso del mirps"])
    assert "MIRPS" in texts[0] and state.awaiting is None


def test_a_child_alone_with_no_country_gets_what_holds_everywhere_then_the_country(kb: KnowledgeBase) -> None:
    texts, state = talk(kb, ["tengo 14 y viajo solo", "estoy en guatemala"])
    assert "911" in texts[0] and "110" in texts[0]
    assert state.country == "guatemala"
    assert texts[1].startswith("Si estás en peligro ahora, llama al 110")


def test_after_danger_the_line_stays_first_for_the_next_replies(kb: KnowledgeBase) -> None:
    texts, _ = talk(kb, ["me quieren matar, estoy en honduras", "somos 20 y hay niños"])
    assert texts[1].startswith("Si estás en peligro ahora, llama al 911")


def test_a_returnee_is_answered_for_the_country_that_received_them(kb: KnowledgeBase) -> None:
    _, state = talk(kb, ["soy chapín, me regresaron de Estados Unidos, hay trabajo para retornados?"])
    assert state.country == "guatemala"


def test_implied_places_and_typos_set_the_country(kb: KnowledgeBase) -> None:
    for text, country in (("ando en huehue, donde pido asilo", "guatemala"), ("refujio en belise", "belize")):
        _, state = talk(kb, [text])
        assert state.country == country, text
