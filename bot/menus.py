"""Numbered menus: they work on any phone, and a bare number picks an option.

The option lists live here, and one list both renders the text and resolves the choice, so what
the person sees and what a number means can never drift apart. The words come from content: the
titles and labels from the locale catalogues (``bot/locales/<lang>.yml``: ``menus``, ``labels``),
a country's label from its file's ``name``, and the country menu's options and order from the
loaded country files (``menu_order``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot import locales
from bot.kb.loader import Content

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

def town_option(country: str, query: str, label: str) -> str:
    """A town offered when a name is ambiguous: what to look up again travels with the option."""
    return ";".join(part.replace(";", ",").replace("|", "/") for part in (country, query, label))


def parse_town_option(option: str) -> tuple[str, str, str]:
    """(country, query, label) of a town option."""
    country, query, label = option.split(";", 2)
    return country, query, label


def label(option: str, language: str, kb: Content | None = None) -> str:
    """What the person reads for an option: a country's name, a town's name, or a fixed label."""
    if kb is not None and option in kb.countries:
        return kb.countries[option].name.get(language)
    if option.count(";") >= 2:
        return parse_town_option(option)[2]
    try:
        return locales.text("labels", option, language)
    except KeyError:
        return option


def _back(language: str) -> str:
    return f"0 {locales.text('labels', 'menu', language)}"


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

    def render(self, language: str, kb: Content | None = None) -> str:
        """The menu's text; ``kb`` names the countries of a country menu."""
        lines = [locales.text("menus", self.kind, language)]
        lines += [f"{i} {label(o, language, kb)}" for i, o in enumerate(self.options, 1)]
        if self.kind != "main":
            lines.append(_back(language))
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
        back = _back(language)
        numbered = [f"{i} {label(o, language)}" for i, o in enumerate(self.options, 1)]
        forms = [", ".join(numbered + ([] if self.kind == "main" else [back]))]
        if self.options and self.options[0] == "more":
            forms.append(f"{numbered[0]}, {back}")
        forms.append(back)
        return list(dict.fromkeys(forms))


def message(menu: Menu, language: str, kb: Content | None = None) -> dict[str, Any]:
    """A ``Reply`` message for ``menu``: its text for every channel, its shorter forms for SMS."""
    return {
        "text": menu.render(language, kb),
        "ruta": {"kind": "menu", "lang": language, "short": menu.shorter(language)},
    }


def town_menu(options: list[str]) -> Menu:
    return Menu("town", tuple(options))


def main_menu() -> Menu:
    return Menu("main", MAIN)


def country_menu(kb: Content) -> Menu:
    """The countries of the loaded files, in their ``menu_order``."""
    return Menu("country", kb.country_ids)


def after_answer_menu(topic: str, has_more: bool) -> Menu:
    """After an answer: more (when there is more), two related topics, the nearest office."""
    options = (["more"] if has_more else []) + list(RELATED.get(topic, ())) + ["nearest"]
    return Menu("after", tuple(options))
