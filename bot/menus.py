"""Numbered menus: they work on any phone, and a bare number picks an option.

The option lists live here, with their labels in both languages, so that what the person sees
and what a number means can never drift apart (one list renders the text and resolves the
choice).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.kb import COUNTRIES

LABELS: dict[str, dict[str, str]] = {
    "asylum": {"es": "Pedir asilo", "en": "Apply for asylum"},
    "documents": {"es": "Documentos", "en": "Documents"},
    "work_permit": {"es": "Permiso de trabajo", "en": "Work permit"},
    "health": {"es": "Salud", "en": "Health care"},
    "education": {"es": "Escuela", "en": "School"},
    "shelter": {"es": "Albergue", "en": "Shelter"},
    "legal_aid": {"es": "Ayuda legal", "en": "Legal help"},
    "special_protection": {"es": "Niñez, mujeres, LGBTI", "en": "Children, women, LGBTI"},
    "returnees_idp": {"es": "Deportados y desplazados", "en": "Returnees and displaced"},
    "emergency": {"es": "Emergencia", "en": "Emergency"},
    "nearest": {"es": "Oficina más cercana", "en": "Nearest office"},
    "more": {"es": "Más detalles", "en": "More details"},
    "menu": {"es": "Menú", "en": "Menu"},
    "mexico": {"es": "México", "en": "Mexico"},
    "belize": {"es": "Belice", "en": "Belize"},
    "guatemala": {"es": "Guatemala", "en": "Guatemala"},
    "el_salvador": {"es": "El Salvador", "en": "El Salvador"},
    "honduras": {"es": "Honduras", "en": "Honduras"},
    "costa_rica": {"es": "Costa Rica", "en": "Costa Rica"},
    "panama": {"es": "Panamá", "en": "Panama"},
}

MAIN: tuple[str, ...] = (
    "asylum",
    "documents",
    "work_permit",
    "health",
    "education",
    "shelter",
    "legal_aid",
    "nearest",
    "emergency",
)
"""The main menu, 1–9; 0 always brings it back."""

RELATED: dict[str, tuple[str, str]] = {
    "asylum": ("documents", "legal_aid"),
    "documents": ("work_permit", "asylum"),
    "work_permit": ("documents", "health"),
    "health": ("education", "shelter"),
    "education": ("health", "documents"),
    "shelter": ("health", "special_protection"),
    "legal_aid": ("asylum", "documents"),
    "special_protection": ("shelter", "legal_aid"),
    "returnees_idp": ("shelter", "legal_aid"),
    "emergency": ("shelter", "legal_aid"),
}

_TITLES = {
    "main": {"es": "Escribe un número:", "en": "Type a number:"},
    "country": {"es": "¿En qué país estás? Escribe un número:", "en": "Which country are you in? Type a number:"},
    "after": {"es": "¿Qué más?", "en": "What else?"},
    "town": {"es": "¿Cuál de estos lugares? Escribe un número:", "en": "Which of these places? Type a number:"},
}


def town_option(country: str, query: str, label: str) -> str:
    """A town offered when a name is ambiguous: what to look up again travels with the option."""
    return ";".join(part.replace(";", ",").replace("|", "/") for part in (country, query, label))


def parse_town_option(option: str) -> tuple[str, str, str]:
    """(country, query, label) of a town option."""
    country, query, label = option.split(";", 2)
    return country, query, label


def label(option: str, language: str) -> str:
    """What the person reads for an option: a fixed label, or a town's name."""
    if option in LABELS:
        return LABELS[option][language]
    return parse_town_option(option)[2] if option.count(";") >= 2 else option


@dataclass(frozen=True)
class Menu:
    """A menu shown to the person: its kind and the options in the order they are numbered."""

    kind: str
    options: tuple[str, ...]

    def encode(self) -> str:
        """Stored in the ``menu`` slot so the next number typed can be resolved."""
        return f"{self.kind}:{'|'.join(self.options)}"

    @classmethod
    def decode(cls, value: str | None) -> Menu | None:
        if not value or ":" not in value:
            return None
        kind, _, options = value.partition(":")
        return cls(kind, tuple(o for o in options.split("|") if o))

    def pick(self, number: int) -> str | None:
        """The option behind ``number`` (1-based), or None when out of range."""
        if 1 <= number <= len(self.options):
            return self.options[number - 1]
        return None

    def render(self, language: str) -> str:
        lines = [_TITLES[self.kind][language]]
        lines += [f"{i} {label(o, language)}" for i, o in enumerate(self.options, 1)]
        if self.kind != "main":
            lines.append(f"0 {LABELS['menu'][language]}")
        return "\n".join(lines)

    def shorter(self, language: str) -> list[str]:
        """Shorter forms for SMS, shortest last; empty for menus that are the question itself.

        After an answer or under other text, the menu is what a person can ask for again ("0"
        always brings it back), so SMS may shrink it to make room for the answer: one line, then
        "1 Más detalles, 0 Menú" (when there is more), then "0 Menú". A country or town menu
        *is* the question, so it is never shortened. Every number shown keeps its meaning.
        """
        if self.kind not in ("main", "after"):
            return []
        back = f"0 {LABELS['menu'][language]}"
        numbered = [f"{i} {label(o, language)}" for i, o in enumerate(self.options, 1)]
        forms = [", ".join(numbered + ([] if self.kind == "main" else [back]))]
        if self.options and self.options[0] == "more":
            forms.append(f"{numbered[0]}, {back}")
        forms.append(back)
        return list(dict.fromkeys(forms))


def message(menu: Menu, language: str) -> dict[str, Any]:
    """A ``Reply`` message for ``menu``: its text for every channel, its shorter forms for SMS."""
    return {"text": menu.render(language), "ruta": {"kind": "menu", "lang": language, "short": menu.shorter(language)}}


def town_menu(options: list[str]) -> Menu:
    return Menu("town", tuple(options))


def main_menu() -> Menu:
    return Menu("main", MAIN)


def country_menu() -> Menu:
    return Menu("country", COUNTRIES)


def after_answer_menu(topic: str, has_more: bool) -> Menu:
    """After an answer: more (when there is more), two related topics, the nearest office."""
    options = (["more"] if has_more else []) + list(RELATED.get(topic, ())) + ["nearest"]
    return Menu("after", tuple(options))
