"""Every fixed text exists in Spanish and English: domain responses and action phrases."""

from __future__ import annotations

import yaml

from bot import menus, phrases
from tests.conftest import ROOT


def test_every_domain_response_has_spanish_default_and_english_variation() -> None:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    missing = []
    for name, variations in domain["responses"].items():
        conditions = [{(c["name"], c["value"]) for c in v.get("condition", [])} for v in variations]
        has_default = any(not c for c in conditions)
        has_english = any(("language", "en") in c for c in conditions)
        if not (has_default and has_english):
            missing.append(name)
    assert not missing, f"responses lacking a language: {missing}"


def test_every_phrase_has_both_languages_and_same_placeholders() -> None:
    import string

    for name, entry in phrases.table().items():
        assert set(entry) == {"es", "en"}, name
        fields = [{f for _, f, _, _ in string.Formatter().parse(entry[lang]) if f} for lang in ("es", "en")]
        assert fields[0] == fields[1], name


def test_every_menu_label_has_both_languages() -> None:
    for key, labels in menus.LABELS.items():
        assert labels.get("es") and labels.get("en"), key
