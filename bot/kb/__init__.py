"""The curated knowledge base: schema, loader, live store, answers and the editors' report."""

TOPICS: tuple[str, ...] = (
    "asylum",
    "documents",
    "work_permit",
    "health",
    "education",
    "shelter",
    "legal_aid",
    "special_protection",
    "returnees_idp",
    "emergency",
)
"""Topic ids every country file must cover (the coverage report checks them)."""

REGIONAL_TOPICS: tuple[str, ...] = (
    "right_to_asylum",
    "non_refoulement",
    "free_of_charge",
    "turned_away",
    "mirps",
)

REGIONAL = "regional"
"""``regional.yml``: what applies in every country (not a country: no menu entry, no places)."""

SOURCES = "sources"
"""``sources.yml``: the shared documents. Every other ``<name>.yml`` beside it is a country's file."""

LANGUAGES: tuple[str, ...] = ("es", "en")
"""Languages every knowledge-base text must have (others are optional, see ``models.Text``)."""
