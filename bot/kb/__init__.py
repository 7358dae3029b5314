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

COUNTRIES: tuple[str, ...] = (
    "mexico",
    "belize",
    "guatemala",
    "el_salvador",
    "honduras",
    "costa_rica",
    "panama",
)
"""Country ids in menu order: north to south along the route, so the numbered menu reads like a map."""

LANGUAGES: tuple[str, ...] = ("es", "en")
