"""SMS sizing: what a person's phone will actually receive, and what it costs."""

from __future__ import annotations

import pytest

from bot import sms


def test_gsm7_alphabet_has_spanish_letters_but_not_acute_vowels() -> None:
    assert sms.is_gsm7("¿Dónde?") is False
    assert sms.is_gsm7("¿Dónde?".replace("ó", "o")) is True
    assert sms.is_gsm7("ñÑéÉüÜ¿¡ÇàèìòùÄÖ€[]{}") is True
    assert sms.is_gsm7("á") is False
    assert sms.is_gsm7("👋") is False


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", 0),
        ("a" * 160, 1),
        ("a" * 161, 2),
        ("a" * 306, 2),
        ("a" * 307, 3),
        ("€" * 80, 1),  # extension characters cost two septets
        ("€" * 81, 2),
        ("a" * 152 + "€" + "a" * 10, 2),  # the escape pair is not split: "€" moves to part 2
        ("a" * 152 + "€" + "a" * 152, 3),
        ("á" * 70, 1),
        ("á" * 71, 2),
        ("á" * 134, 2),
        ("á" * 135, 3),
        ("😀" * 35, 1),  # outside the BMP: two UCS-2 units each
        ("😀" * 36, 2),
    ],
)
def test_segments(text: str, expected: int) -> None:
    assert sms.segments(text) == expected


def test_one_accent_makes_the_whole_message_ucs2() -> None:
    plain = "Puedes pedir asilo en la oficina de COMAR mas cercana. " * 2
    assert sms.segments(plain) == 1
    assert sms.segments(plain + "á") == 2


def test_to_gsm7_transliterates_only_what_gsm7_lacks() -> None:
    assert sms.to_gsm7("¿Dónde está la oficina más cercana?") == "¿Donde esta la oficina mas cercana?"
    assert sms.to_gsm7("ÁÍÓÚ áíóú") == "AIOU aiou"
    assert sms.to_gsm7("ñ Ñ ¿ ¡ é É ü Ü") == "ñ Ñ ¿ ¡ é É ü Ü"
    assert sms.to_gsm7("“Hola” ‘sí’ – — …") == "\"Hola\" 'si' - - ..."
    assert sms.to_gsm7("Hola 👋🏽 amigo") == "Hola amigo"
    assert sms.to_gsm7("ç Ç ã") == "c Ç a"
    assert sms.to_gsm7("Línea 1\nLínea 2") == "Linea 1\nLinea 2"


def test_to_gsm7_output_is_always_gsm7() -> None:
    text = "Refugiado: «asilo» • plazo ½ año → 30 días ✅ 中文 ١٢٣ ½"
    assert sms.is_gsm7(sms.to_gsm7(text))


def test_fit_keeps_short_answers_whole_and_joins_with_newlines() -> None:
    assert sms.fit(["Hola.", "  ¿En qué país estás?  ", ""]) == "Hola.\n¿En qué pais estas?"


def test_fit_trims_at_a_word_boundary_within_budget() -> None:
    words = [f"palabra{i}" for i in range(300)]
    body = sms.fit([" ".join(words)], max_segments=3)
    assert sms.segments(body) <= 3
    assert body.endswith("...")
    last = body[: -len("...")].split(" ")[-1]
    assert last in words  # no word cut in half
    assert len(body) > 3 * 153 - 20  # and not much room wasted


def test_fit_prefers_a_line_boundary() -> None:
    lines = [f"Linea {i}: " + "texto " * 8 for i in range(20)]
    body = sms.fit(lines, max_segments=2)
    assert sms.segments(body) <= 2
    kept = body[: -len("...")].split("\n")
    assert all(line.strip() == original.strip() for line, original in zip(kept, lines, strict=False))


def test_fit_transliterates_so_the_budget_is_gsm7() -> None:
    text = "Información: " + "está aquí. " * 40
    body = sms.fit([text], max_segments=3, gsm7=True)
    assert sms.is_gsm7(body)
    assert sms.segments(body) <= 3
    assert len(body) > 400  # GSM-7 rates: about 459 characters, not UCS-2's 201


def test_fit_without_gsm7_keeps_accents_and_uses_a_unicode_ellipsis() -> None:
    text = "Información: " + "está aquí. " * 40
    body = sms.fit([text], max_segments=3, gsm7=False)
    assert "á" in body
    assert body.endswith("…")
    assert sms.segments(body) <= 3


def test_fit_with_one_segment_and_one_long_word() -> None:
    body = sms.fit(["x" * 500], max_segments=1)
    assert body == "x" * 157 + "..."
    assert sms.segments(body) == 1


def test_fit_rejects_a_zero_budget() -> None:
    with pytest.raises(ValueError):
        sms.fit(["hola"], max_segments=0)


def test_chunks_respect_twilio_limit_and_keep_everything() -> None:
    paragraphs = [f"Parrafo {i}. " + "palabra " * 60 for i in range(12)]
    text = "\n".join(paragraphs)
    pieces = sms.chunks(text)
    assert len(pieces) > 1
    assert all(len(p) <= sms.WHATSAPP_LIMIT for p in pieces)
    assert " ".join(" ".join(pieces).split()) == " ".join(text.split())
    assert sms.chunks("corto") == ["corto"]
    assert sms.chunks("   ") == []


def test_a_long_answer_is_shortened_but_its_source_and_menu_arrive() -> None:
    answer = " ".join(["Puedes pedir asilo ante la COMAR en la oficina mas cercana."] * 8)
    messages = [
        answer
        + "\nParte de esta informacion es de 2017: puede haber cambiado.\nFuente: MIRPS 2017. Revisado: 2026-11-23",
        "¿Que mas?\n1 Mas detalles\n2 Documentos\n3 Ayuda legal\n4 Oficina mas cercana\n0 Menu",
    ]
    body = sms.fit(messages, max_segments=3)
    assert sms.segments(body) <= 3
    assert body.endswith("0 Menu")
    assert "Fuente: MIRPS 2017. Revisado: 2026-11-23" in body
    assert "..." in body.splitlines()[0]
