"""Spanish or English? Detection with a memory of the conversation.

langdetect alone is unreliable on SMS-length text ("ok", "asilo", "1"), so it is combined with a
small lexicon of words people on the move use, and with the language already known for the
conversation: one- or two-word messages never flip a known language; an explicit request
("english", "español") always does; a longer message clearly in the other language does.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.text import fold

DEFAULT = "es"
"""Most people Ruta serves write Spanish; an ambiguous first message gets Spanish."""

SWITCH = {
    "english": "en",
    "ingles": "en",
    "in english": "en",
    "en ingles": "en",
    "english please": "en",
    "en ingles por favor": "en",
    "en ingles porfa": "en",
    "inglish": "en",
    "engl": "en",
    "espanol": "es",
    "spanish": "es",
    "en espanol": "es",
    "in spanish": "es",
    "espanol por favor": "es",
    "espanol porfa": "es",
    "castellano": "es",
    "spanish please": "es",
    "en espanol por favor": "es",
    "espanish": "es",
    "spanich": "es",
    "espanol plis": "es",
    "no hablo ingles": "es",
    "no entiendo ingles": "es",
    "no speak english": "es",
    "no english": "es",
    "i dont speak spanish": "en",
    "i don t speak spanish": "en",
    "no spanish": "en",
    "no hablo espanol": "en",
}

ES_WORDS = set(
    """hola buenas buenos dias tardes noches gracias ayuda ayudame quiero necesito donde como cuando que
    porque pq xq estoy estamos tengo tiene puedo puedes pedir asilo refugio refugiado albergue trabajo
    trabajar chamba jale permiso papeles oficina cercana cerca mi mis me te se de del la el las los en
    para por con sin un una unos unas y o pero si tambien tmb esta estan soy somos hay hijo hija hijos
    ninos nino nina mujer mujeres escuela salud medico hospital abogado ayuda favor porfa plis adios chao
    bueno vale claro nada mas menos otro otra pais ahora ahorita ando vivo voy vamos quieren matar peligro
    secuestraron miedo golpean solo sola deportaron deportado migra documentos tarjeta constancia cuanto
    cuesta dinero comida casa dormir mañana hoy aqui alla usted ustedes nosotros ellos dice dijo entrar
    frontera cruzar borrar datos persona hablar alguien ok""".split()
)
EN_WORDS = set(
    """hi hello hey thanks thank you please help i im i'm me my we our you your the a an to in on at of for
    with how what where when why who can could do does did is are am was need want get apply asylum
    shelter work job permit papers office nearest near close school doctor hospital lawyer kids children
    child woman women safe danger kill kidnapped alone hurt bye goodbye ok okay yes no more about tell
    country now here there go going live stay find place know there and but or if it this that they them
    money food sleep house day today tomorrow talk someone person delete data please pls plz thx helo
    hellow sorry refugee good morning night afternoon evening sick""".split()
)
FRAME = {
    "es": set("necesito quiero tengo estoy como donde puedo un una de el la los las mi me que por para".split()),
    "en": set("i im my the a how where can do need want is are am".split()),
}
"""Grammar words weigh double: "necesito un work permit" is a Spanish sentence with English nouns."""
AMBIGUOUS = {
    "ok",
    "no",
    "si",
    "asilo",
    "info",
    "menu",
    "taxi",
    "hotel",
    "doctor",
    "hospital",
    "mexico",
    "guatemala",
    "honduras",
    "panama",
    "costa",
    "rica",
    "el",
    "salvador",
    "belize",
    "belice",
}


@dataclass(frozen=True)
class Detection:
    """What one message says about its language, before memory is applied."""

    language: str | None  # None when the message gives no usable signal
    words: int
    explicit: bool = False
    strength: float = 0.0  # 0..1, how clearly the message is in ``language``


def _langdetect_probs(text: str) -> dict[str, float]:
    from langdetect import DetectorFactory, detect_langs
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0  # deterministic answers, so tests and users see the same thing
    try:
        found = detect_langs(text)
    except LangDetectException:
        return {}
    probs = {item.lang: item.prob for item in found if item.lang in ("es", "en")}
    total = sum(probs.values())
    return {k: v / total for k, v in probs.items()} if total else {}


def detect(text: str) -> Detection:
    """Language signal of one message: explicit switch, lexicon votes, then langdetect."""
    folded = fold(text)
    words = [w for w in folded.replace("i m ", "im ").split() if any(ch.isalpha() for ch in w)]
    if folded in SWITCH:
        return Detection(SWITCH[folded], len(words), explicit=True, strength=1.0)
    if not words:
        return Detection(None, 0)
    # accents inside place names ("panamá", "méxico") say nothing about the sentence's language
    unmarked = " ".join(w for w in text.split() if fold(w) not in AMBIGUOUS)
    spanish_marks = any(ch in unmarked for ch in "ñ¿¡áéíóú")
    es = sum((2 if w in FRAME["es"] else 1) for w in words if w in ES_WORDS and w not in AMBIGUOUS)
    en = sum((2 if w in FRAME["en"] else 1) for w in words if w in EN_WORDS and w not in AMBIGUOUS)
    es += 2 if spanish_marks else 0
    if len(words) >= 3:
        probs = _langdetect_probs(text)
        es += 1.5 * probs.get("es", 0.0)
        en += 1.5 * probs.get("en", 0.0)
    if es == en:
        return Detection(None, len(words))
    language = "es" if es > en else "en"
    strength = abs(es - en) / (es + en)
    return Detection(language, len(words), strength=strength)


def decide(text: str, previous: str | None) -> str:
    """The language to answer ``text`` in, given the conversation's ``previous`` language."""
    found = detect(text)
    if found.explicit:
        return found.language or DEFAULT
    if previous not in ("es", "en"):
        return found.language or DEFAULT
    if found.language is None or found.language == previous:
        return previous
    if found.words >= 3 and found.strength >= 0.5:
        return found.language
    return previous
