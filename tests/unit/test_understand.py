"""The signals of a message: who, where (now/from), acts, topic words, question matches."""

from __future__ import annotations

import pytest

from bot.understand import acts, patterns, topics, where, who
from bot.understand.questions import GENERAL, QuestionIndex, tail_sentences
from bot.world import KnowledgeBase


@pytest.mark.parametrize(
    ("text", "age", "alone"),
    [
        ("tengo 13 y ando sin mis papás", 13, True),
        ("my son is 12 and crossed the border by himself", 12, True),
        ("I'm 15 traveling alone", 15, True),
        ("soy menor de edad y vine solo", None, True),
    ],
)
def test_a_child_alone_is_seen_by_age_or_words(text: str, age: int | None, alone: bool) -> None:
    found = who.read(patterns.normalise(text))
    assert found.age == age and found.alone == alone and found.child_alone


def test_a_parent_alone_with_children_is_not_a_child_alone() -> None:
    assert not who.read(patterns.normalise("estoy sola con mis hijos, donde hay albergue")).child_alone
    assert who.read(patterns.normalise("tengo 2 hijos")).age is None


def test_a_writer_who_gives_a_childs_age_is_the_child_unless_a_relative_is_named() -> None:
    assert who.read(patterns.normalise("soy un chavo de 16 años, me escape de una casa")).writer_minor
    assert not who.read(patterns.normalise("a mi hijo de 12 lo quieren matar")).writer_minor
    assert who.read(patterns.normalise("a mi hijo de 12 lo quieren matar")).minor


@pytest.mark.parametrize(
    ("text", "age", "own"),
    [
        ("soy venezolano, tengo 3 años en Costa Rica", None, False),  # how long, not how old
        ("tengo 8 años aqui esperando", None, False),
        ("tengo 15 años en tapachula y estoy solo", 15, True),  # a teenager may write it
        ("mi hija de 8 años no ha ido a la escuela", 8, False),  # someone else's age
        ("i'm 16 and alone", 16, True),
    ],
)
def test_an_age_is_told_from_a_time_and_from_someone_elses(text: str, age: int | None, own: bool) -> None:
    found = who.read(patterns.normalise(text))
    assert (found.age, found.own_age) == (age, own)


@pytest.mark.parametrize(
    ("text", "now", "origin"),
    [
        ("soy salvadoreño pero ya vivo en Guatemala, ¿me pueden dar refugio aquí?", "guatemala", "el_salvador"),
        ("i'm from guatemala and now i'm in mexico, how do i ask for asylum", "mexico", "guatemala"),
        ("vengo de honduras y voy para mexico", None, "honduras"),
        ("me deportaron a honduras", "honduras", None),
        ("ahorita estamos en Tapachula con mis hijos", "mexico", None),
        ("guatemla asilo", "guatemala", None),
        ("we lived in mexico for a year but now we moved to belize, can we apply here", "belize", None),
        ("pedi refugio en costa rica pero me vine a panama, tengo que pedirlo otra vez?", "panama", None),
        ("estuve en panama unos dias pero ya pase a paso canoas del lado tico", "costa_rica", None),
        ("estamos en meteti con mi esposa, donde pedimos refugio", "panama", None),  # a small town with a place
        ("un policia me pidio lempiras para dejarme pasar", "honduras", None),  # a currency says where
        ("la estacion de lajas blancas en el darien sigue abierta?", "panama", None),  # "la estación" is no town
        ("y si nos para la policia nos pueden mandar de regreso pa el salvador?", None, "el_salvador"),
        ("estoy en heredia, if i apply for refuge can they still deport me a nicaragua?", "costa_rica", None),
        ("im mexican, they just deported me from arizona to nogales", "mexico", "mexico"),  # a state, not the town
    ],
)
def test_where_now_and_where_from(kb: KnowledgeBase, text: str, now: str | None, origin: str | None) -> None:
    found = where.read(text, kb)
    assert (found.now, found.origin) == (now, origin), found.mentions


@pytest.mark.parametrize(
    ("text", "act", "number"),
    [
        ("gracias", "thanks", None),
        ("ok gracias", "thanks", None),
        ("hola buenas tardes", "greet", None),
        ("hola necesito asilo", None, None),
        ("2", None, 2),
        ("opción 3", None, 3),
        ("tengo 13 años", None, None),
        ("fuentes", "sources", None),
    ],
)
def test_acts_only_when_the_message_is_the_act(text: str, act: str | None, number: int | None) -> None:
    folded = patterns.normalise(text)
    assert acts.read(folded) == act and acts.number(folded) == number


def test_topic_words_weigh_the_question_at_the_end() -> None:
    story = "Salimos de San Pedro Sula porque la mara nos cobraba. Caminamos mucho. ¿Dónde hay un albergue?"
    assert topics.best(story) == "shelter"
    assert tail_sentences(story).endswith("albergue?")


def test_being_out_in_the_street_is_not_asking_for_a_shelter() -> None:
    assert "shelter" not in topics.scores("me da miedo andar en la calle por los tatuajes")
    assert topics.best("estamos durmiendo en la calle con los niños") == "shelter"


def test_a_question_about_children_needs_a_child_in_the_message(kb: KnowledgeBase) -> None:
    from bot.understand.questions import index_for

    index = index_for(kb)
    assert "children_alone" in index.about_children
    adult = [m.question for m in index.match("me regresaron y me dejaron en tecun uman, que hago aqui", None)[:1]]
    child = [m.question for m in index.match("a mi hijo de 12 lo regresaron solo por tecun uman", None)[:1]]
    assert adult != ["children_alone"] and child == ["children_alone"]


def test_a_town_shared_across_borders_is_read_in_the_country_named(kb: KnowledgeBase) -> None:
    found = where.read("I entered El Salvador three days ago. I'm staying in a hotel in San Miguel", kb)
    assert [(m.name, m.country) for m in found.mentions if m.via == "town"] == [("San Miguel", "el_salvador")]


def test_the_closing_question_of_a_story_is_matched_alone(kb: KnowledgeBase) -> None:
    from bot.understand.questions import index_for

    story = (
        "Hello, I'm from Nicaragua. I crossed Honduras on foot and entered El Salvador three days ago. "
        "Someone at the bus station told me there is a new asylum office. Where do I go to apply?"
    )
    assert index_for(kb).match(story, "el_salvador")[0].question == "where_to_apply"


def test_question_index_scores_the_closest_phrasing(kb: KnowledgeBase) -> None:
    index = QuestionIndex(kb)
    if not index.rows:
        pytest.skip("no question entries in the knowledge base")
    country, qid, _ = index.rows[0]
    phrasing = kb.question(country, qid).ask.es[0]
    best = index.match(phrasing, country)[0]
    assert best.question == qid and best.score > 0.9


@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("hay doctor gratis para los que no tenemos papeles", "health"),
        ("trabajo para deportados", "work_permit"),
        ("puedo trabajar si ya pedi asilo", "work_permit"),
        ("que papeles me dan si pido refugio", "documents"),
        ("como pido asilo", "asylum"),
        ("soy solicitante y la onpar admitio mi caso, necesito un permiso para seguir trabajando", "work_permit"),
        ("I'm in Colon, can I work while the ONPAR looks at my refugee claim?", "work_permit"),
    ],
)
def test_background_topics_yield_to_what_is_asked(text: str, topic: str) -> None:
    found = topics.scores(text)
    assert max(found, key=found.get) == topic, found
    assert topics.asked(found) == {topic}


@pytest.mark.parametrize(
    ("text", "child_alone"),
    [
        ("si mis hijos pueden entrar a la escuela porque no tenemos papeles todavia solo la cita", False),
        ("solo quiero saber si mis hijos pueden estudiar", False),
        ("tengo 14 y vine solo a mexico", True),
        ("cuantos años hay que tener para pedir asilo uno solo? tengo 15", True),
    ],
)
def test_solo_meaning_only_is_not_travelling_alone(text: str, child_alone: bool) -> None:
    assert who.read(patterns.normalise(text)).child_alone is child_alone


def test_a_general_way_of_asking_a_topic_beats_a_near_question(kb: KnowledgeBase) -> None:
    """General phrasings compete: the topic's own answer is right for a general question."""
    message = "que documentos les dan a los refugiados en honduras"
    index = QuestionIndex(kb, (("documents", "que documentos dan a los refugiados"),))
    assert index.match(message, "honduras")[0].country == GENERAL
    assert QuestionIndex(kb).match(message, "honduras")[0].country != GENERAL


def test_the_closing_question_is_the_tail_unless_it_says_nothing() -> None:
    story = "Llegué en 2021 y me dieron el carné, pero en el trabajo me quieren despedir."
    assert tail_sentences(f"{story} ¿Cómo lo renuevo?") == "¿Cómo lo renuevo?"
    asked = tail_sentences("Está en un albergue. No sabe a dónde ir para pedir refugio. ¿Qué le puedo decir?")
    assert "pedir refugio" in asked


def test_a_question_in_the_tail_outweighs_the_story_s_service_words() -> None:
    found = topics.scores("Está en un albergue con su niña. No sabe a dónde ir para pedir refugio. ¿Qué le digo?")
    assert max(found, key=found.get) == "asylum", found
