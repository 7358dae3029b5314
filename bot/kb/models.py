"""Pydantic models of the knowledge-base files.

Why pydantic: editors get one precise message per mistake (with the field path that the loader
turns into ``file:line``), and the same models generate the JSON Schema their editors use for
autocompletion. ``extra = "forbid"`` everywhere so a misspelt field ("sumary") is an error, not a
silently ignored key.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Dict, List, Literal, Optional

from pydantic import BaseModel, Field, root_validator, validator

from bot import locales
from bot.locales import DEFAULT

SUMMARY_MAX = 300
MORE_MAX = 1200

PlaceKind = Literal[
    "asylum_office",
    "border_point",
    "returnee_centre",
    "shelter",
    "legal_aid",
    "child_protection",
    "help_point",
]
Group = Literal["all", "children", "women", "lgbti", "families", "returnees"]
Precision = Literal["exact", "city"]

_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{1,19}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
"""What a language key looks like: an ISO 639 code, as the locale files are named."""


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True


def _extra_languages(values: dict, check: type | None = None) -> dict:
    """Keys beside ``es``/``en`` must be languages Ruta has a locale for (``bot/locales/<code>.yml``),
    so a misspelt key ("esp") is an error, not a silent new language."""
    for key, value in list(values.items()):
        if key in ("es", "en"):
            continue
        if key not in locales.languages():
            known = ", ".join(locales.languages())
            raise ValueError(f"`{key}` is not a field, nor a language with a locale file (languages: {known})")
        if check is str:
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"the `{key}` text must be a non-empty string")
            values[key] = value.strip()
    return values


class Text(_Strict):
    """The same text in several languages: a mapping language → text.

    Spanish and English are required and non-empty; any other language (``fr: "..."``) may be
    added. A language the text lacks reads as Spanish, the one fallback rule of
    ``bot.locales``: ``text.get("fr")`` and ``text.fr`` both give the French text when there is
    one, else the Spanish.
    """

    es: str = Field(..., min_length=1, description="Spanish text")
    en: str = Field(..., min_length=1, description="English text")

    class Config:
        extra = "allow"

    @root_validator(skip_on_failure=True)
    def _languages(cls, values: dict) -> dict:  # noqa: N805 (pydantic validators take cls)
        return _extra_languages(values, str)

    def languages(self) -> dict[str, str]:
        """Language → text, every language this text has."""
        return {key: value for key, value in self.__dict__.items() if isinstance(value, str)}

    def get(self, language: str | None) -> str:
        """The text in ``language``, else in the default language."""
        value = self.__dict__.get(language or DEFAULT)
        return value if isinstance(value, str) and value else self.__dict__[DEFAULT]

    def __getattr__(self, name: str) -> str:
        if _LANGUAGE.match(name):
            return self.get(name)
        raise AttributeError(name)


def _too_long(values: dict, limit: int, what: str) -> dict:
    for key, value in values.items():
        if key not in ("es", "en") and isinstance(value, str) and len(value) > limit:
            raise ValueError(f"the `{key}` text is {len(value)} characters long; {what}")
    return values


class Summary(Text):
    """An SMS-sized text: at most 300 characters in each language."""

    @validator("es", "en")
    def _fits_sms(cls, value: str) -> str:  # noqa: N805 (pydantic validators take cls)
        if len(value) > SUMMARY_MAX:
            raise ValueError(
                f"is {len(value)} characters long; a summary must fit in {SUMMARY_MAX} (move the rest to `more`)"
            )
        return value

    @root_validator(skip_on_failure=True)
    def _others_fit_sms(cls, values: dict) -> dict:  # noqa: N805
        return _too_long(values, SUMMARY_MAX, f"a summary must fit in {SUMMARY_MAX} (move the rest to `more`)")


class More(Text):
    @validator("es", "en")
    def _not_too_long(cls, value: str) -> str:  # noqa: N805
        if len(value) > MORE_MAX:
            raise ValueError(f"is {len(value)} characters long; keep `more` under {MORE_MAX}")
        return value

    @root_validator(skip_on_failure=True)
    def _others_not_too_long(cls, values: dict) -> dict:  # noqa: N805
        return _too_long(values, MORE_MAX, f"keep `more` under {MORE_MAX}")


class SourceRef(_Strict):
    """Which document an entry comes from, and where in it."""

    id: str = Field(..., description="a source id declared in sources.yml or the file's `sources`")
    where: str = Field(..., min_length=1, description="lines, page or section")


class Entry(_Strict):
    """One answer: a topic for one country (or the region)."""

    summary: Summary
    more: Optional[More] = None
    sources: List[SourceRef] = Field(..., min_items=1)
    last_reviewed: dt.date

    @validator("last_reviewed")
    def _not_in_future(cls, value: dt.date) -> dt.date:  # noqa: N805
        if value > dt.date.today():
            raise ValueError(f"{value} is in the future; use the date you checked the entry")
        return value


SourceKind = Literal["official", "unhcr", "r4v", "press", "ngo", "seed", "law"]


class SourceDoc(_Strict):
    """A citable document. Its ``year`` (of publication) decides whether answers carry a 'may be
    dated' line; ``published`` and ``describes`` let a person and an editor check how current a
    fact is (a 2025 page can describe a 2023 rule)."""

    id: str = Field(..., regex=r"^[a-z0-9][a-z0-9\-]*$")
    title: str
    short: str = Field(..., description="short name shown in answers")
    publisher: str
    year: int = Field(..., ge=1950, le=2100, description="year of publication")
    published: Optional[dt.date] = Field(None, description="date of publication (YYYY-MM-DD)")
    describes: Optional[str] = Field(
        None, regex=r"^[0-9]{4}(-[0-9]{2}){0,2}$", description="date the facts describe: YYYY, YYYY-MM or YYYY-MM-DD"
    )
    kind: Optional[SourceKind] = Field(
        None, description="official, unhcr, r4v, law, press (only for what an authority announced), ngo, seed"
    )
    file: Optional[str] = None
    url: Optional[str] = None
    note: str = Field("", description="for editors: disagreements between sources, what was not found")

    @validator("published")
    def _published_matches_year(cls, value: Optional[dt.date], values: dict) -> Optional[dt.date]:  # noqa: N805
        if value is not None and values.get("year") is not None and value.year != values["year"]:
            raise ValueError(f"is in {value.year} but `year` says {values['year']}; make them agree")
        if value is not None and value > dt.date.today():
            raise ValueError(f"{value} is in the future")
        return value


class Phrasings(_Strict):
    """How people ask a question, per language: matched at action time, so an editor's new
    phrasing is live without retraining the model. Spanish and English are required; another
    language's list (``fr: [...]``) may be added."""

    es: List[str] = Field(..., min_items=4, description="at least four ways people write it in Spanish")
    en: List[str] = Field(..., min_items=4, description="at least four ways people write it in English")

    class Config:
        extra = "allow"

    @validator("es", "en", each_item=True)
    def _not_blank(cls, value: str) -> str:  # noqa: N805
        if len(value.strip()) < 3:
            raise ValueError("a phrasing must be a real question of at least 3 characters")
        return value

    @root_validator(skip_on_failure=True)
    def _other_languages(cls, values: dict) -> dict:  # noqa: N805
        _extra_languages(values)
        for key, items in values.items():
            if key in ("es", "en"):
                continue
            if not isinstance(items, list) or not all(isinstance(i, str) and len(i.strip()) >= 3 for i in items):
                raise ValueError(f"`{key}` must be a list of phrasings of at least 3 characters each")
        return values

    def languages(self) -> dict[str, list[str]]:
        """Language → phrasings, every language this question has."""
        return {key: value for key, value in self.__dict__.items() if isinstance(value, list)}


class Question(Entry):
    """A specific question inside a topic ("how long does the claim take?"), with its own answer."""

    id: str = Field(..., regex=r"^[a-z0-9][a-z0-9_\-]*$", description="unique within the file")
    topic: str = Field(..., description="the topic it belongs to (a topic id of this file)")
    ask: Phrasings


class Emergency(_Strict):
    number: str = Field(..., description="digits only as dialled, e.g. 911")
    label: Text
    source: SourceRef

    @validator("number")
    def _looks_like_number(cls, value: str) -> str:  # noqa: N805
        if not _PHONE.match(value):
            raise ValueError(f"'{value}' is not a phone number (digits, spaces, + and - only)")
        return value


class BoundingBox(_Strict):
    """A generous box around a country, to catch swapped or mistyped coordinates.

    A box is not a border: it stops gross mistakes (lat/lon swapped, a lost minus sign, a town in
    the wrong country) that an editor would otherwise only notice on a map.
    """

    min_lat: float = Field(..., ge=-90, le=90)
    max_lat: float = Field(..., ge=-90, le=90)
    min_lon: float = Field(..., ge=-180, le=180)
    max_lon: float = Field(..., ge=-180, le=180)

    @validator("max_lat")
    def _lat_order(cls, value: float, values: dict) -> float:  # noqa: N805
        if "min_lat" in values and value <= values["min_lat"]:
            raise ValueError(f"{value} is not north of min_lat {values['min_lat']}")
        return value

    @validator("max_lon")
    def _lon_order(cls, value: float, values: dict) -> float:  # noqa: N805
        if "min_lon" in values and value <= values["min_lon"]:
            raise ValueError(f"{value} is not east of min_lon {values['min_lon']}")
        return value

    def contains(self, lat: float, lon: float) -> bool:
        return self.min_lat <= lat <= self.max_lat and self.min_lon <= lon <= self.max_lon


class CountryFile(_Strict):
    """``knowledge_base/<country>.yml`` (and ``regional.yml``).

    A country is its file: the loader takes every ``<country>.yml`` it finds, so a new country
    needs no code. ``iso2``, ``menu_order`` and ``bbox`` are required of countries (the loader
    says so); ``regional.yml`` has none of them.
    """

    country: str = Field(..., regex=r"^[a-z][a-z_]*$", description="the file name without .yml")
    iso2: Optional[str] = Field(
        None, regex=r"^[A-Z]{2}$", description="ISO 3166 code: the packaged gazetteer's towns of this code are used"
    )
    menu_order: Optional[int] = Field(
        None, ge=1, description="position in the numbered country menu (north to south along the route)"
    )
    bbox: Optional[BoundingBox] = Field(None, description="every coordinate of this country must lie inside it")
    preferred_regions: List[str] = Field(
        [],
        description="admin1 names (as the packaged gazetteer spells them) where people on the move are: "
        "when several towns share a name, this country's towns elsewhere rank below every other country's",
    )
    name: Text
    aliases: List[str] = []
    emergency: Optional[Emergency] = None
    sources: List[SourceDoc] = []
    topics: Dict[str, Entry]
    questions: List[Question] = []
    no_current_source: Optional[str] = Field(
        None,
        description="for the report: what was searched for sources from 2023 on and not found "
        "(required in spirit when fewer than 5 entries cite such a source)",
    )


class SourcesFile(_Strict):
    sources: List[SourceDoc]


class Place(_Strict):
    """An office, shelter or help point. Contacts stay empty unless a source gives them."""

    id: str = Field(..., regex=r"^[a-z0-9][a-z0-9\-]*$")
    name: str = Field(..., min_length=2)
    kind: PlaceKind
    does: Text
    serves: List[Group]
    city: str = Field(..., min_length=2)
    admin1: Optional[str] = Field(None, description="state, department or province")
    precision: Precision
    lat: Optional[float] = Field(None, ge=-90, le=90)
    lon: Optional[float] = Field(None, ge=-180, le=180)
    coordinates_source: Optional[str] = None
    address: str = ""
    phone: str = ""
    hours: str = ""
    website: str = ""
    sources: List[SourceRef] = Field(..., min_items=1)
    last_reviewed: dt.date

    @validator("lon", always=True)
    def _coordinates_match_precision(cls, lon, values):  # noqa: N805
        lat, precision = values.get("lat"), values.get("precision")
        if precision == "exact" and (lat is None or lon is None):
            raise ValueError("precision is 'exact' but lat/lon are missing; give both, or use precision: city")
        if precision == "city" and (lat is not None or lon is not None):
            raise ValueError(
                "precision is 'city', so coordinates come from the town; remove lat/lon "
                "or set precision: exact and name coordinates_source"
            )
        return lon  # exact coordinates without `coordinates_source`: the loader names the field

    @validator("serves")
    def _serves_someone(cls, value: list) -> list:  # noqa: N805
        if not value:
            raise ValueError("must name at least one group (all, children, women, lgbti, families, returnees)")
        return value

    @validator("phone")
    def _phone_shape(cls, value: str) -> str:  # noqa: N805
        if value and not _PHONE.match(value):
            raise ValueError(f"'{value}' is not a phone number (digits, spaces, + and - only)")
        return value


class PlacesFile(_Strict):
    """``knowledge_base/places/<country>.yml``."""

    country: str
    places: List[Place] = []


class Town(_Strict):
    """A border or transit town the packaged gazetteer lacks or names differently.

    Either ``same_as`` points at a gazetteer entry (its coordinates are used, nothing typed by
    hand), or ``lat``/``lon`` come with a named ``source``.
    """

    name: str
    country: str
    admin1: Optional[str] = None
    aliases: List[str] = []
    same_as: Optional[str] = Field(
        None, description="name of the packaged gazetteer town at the same place, e.g. 'Ayutla'"
    )
    lat: Optional[float] = Field(None, ge=-90, le=90)
    lon: Optional[float] = Field(None, ge=-180, le=180)
    source: str = Field(..., min_length=3)
    note: str = ""

    @validator("lon", always=True)
    def _has_position(cls, lon, values):  # noqa: N805
        if values.get("same_as") is None and (values.get("lat") is None or lon is None):
            raise ValueError("give either same_as (a gazetteer town) or both lat and lon")
        return lon


class TownsFile(_Strict):
    towns: List[Town]
