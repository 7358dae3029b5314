"""SMS sizing: GSM-7 or UCS-2, segment counts, transliteration, and trimming to a budget.

Why this matters: one character outside the GSM-7 alphabet (an "á", a curly quote, an emoji)
switches the whole SMS to UCS-2, which fits 70 characters per segment instead of 160, so an
answer silently costs the NGO (and sometimes the person) two or three times as much and can
arrive cut into many parts. Spanish keeps ñ, é, ü, ¿ and ¡ (GSM-7 has them); á í ó ú become
a i o u, which every Spanish reader understands.

WhatsApp has no segments: its replies are never trimmed, only split at Twilio's 1,600-character
limit per message (see ``chunks``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
"""GSM 03.38 default alphabet (127 characters; the escape code itself is not a character)."""

GSM7_EXTENSION = "\f^{}\\[~]|€"
"""Reached through an escape code, so each costs two septets."""

_BASIC = frozenset(GSM7_BASIC)
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7_SINGLE, GSM7_PART = 160, 153
UCS2_SINGLE, UCS2_PART = 70, 67
"""Per-segment capacity; a multi-part message loses room to the concatenation header."""

WHATSAPP_LIMIT = 1600
"""Twilio refuses a message body longer than this, on WhatsApp as on SMS."""

_REPLACEMENTS = {
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "″": '"',
    "‘": "'",
    "’": "'",
    "‚": "'",
    "′": "'",
    "`": "'",
    "´": "'",
    "–": "-",
    "—": "-",
    "―": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "•": "-",
    "·": "-",
    "…": "...",
    "\t": " ",
    "\u00a0": " ",
    "\u2007": " ",
    "\u202f": " ",
    "\u2009": " ",
    "\u200a": " ",
    "\u2002": " ",
    "\u2003": " ",
}
_SPACES = re.compile(r"[ ]{2,}")
_TRAILING_SPACE = re.compile(r"[ ]+\n")


def is_gsm7(text: str) -> bool:
    """True when every character can be sent in the GSM-7 alphabet (basic or extension)."""
    return all(ch in _BASIC or ch in _EXTENSION for ch in text)


def _pack(costs: Iterable[int], single: int, part: int) -> int:
    """Segments needed when units of ``costs`` are never split across two segments.

    Phones and Twilio keep an escape pair (GSM-7) or a surrogate pair (UCS-2) in one segment,
    so a plain ``ceil(length / part)`` undercounts at the edges.
    """
    costs = list(costs)
    total = sum(costs)
    if total == 0:
        return 0
    if total <= single:
        return 1
    count, used = 1, 0
    for cost in costs:
        if used + cost > part:
            count, used = count + 1, 0
        used += cost
    return count


def segments(text: str) -> int:
    """How many SMS segments ``text`` costs (0 for empty text: nothing is sent).

    GSM-7 when possible (160 alone, 153 per part, extension characters count 2), otherwise
    UCS-2 (70 alone, 67 per part, characters outside the BMP such as emoji count 2).
    """
    if is_gsm7(text):
        return _pack((2 if ch in _EXTENSION else 1 for ch in text), GSM7_SINGLE, GSM7_PART)
    return _pack((2 if ord(ch) > 0xFFFF else 1 for ch in text), UCS2_SINGLE, UCS2_PART)


def _transliterate(ch: str) -> str:
    if ch in _BASIC or ch in _EXTENSION:
        return ch
    if ch in _REPLACEMENTS:
        return _REPLACEMENTS[ch]
    decomposed = unicodedata.normalize("NFKD", ch)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    stripped = "".join(_REPLACEMENTS.get(c, c) for c in stripped)
    if stripped and is_gsm7(stripped):
        return stripped
    return ""  # emoji, pictographs, scripts GSM-7 cannot show: dropped rather than sent as "?"


def to_gsm7(text: str) -> str:
    """``text`` rewritten in the GSM-7 alphabet, as close to the original as it can be.

    á í ó ú Á … lose their accent; ñ Ñ é É ü Ü ¿ ¡ stay (GSM-7 has them); curly quotes, dashes
    and "…" become their plain forms; emoji are dropped and the spaces they leave collapsed.
    """
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n"))
    out = "".join(_transliterate(ch) for ch in text)
    if out != text:
        out = _TRAILING_SPACE.sub("\n", _SPACES.sub(" ", out))
    return out


def _ellipsis_for(text: str) -> str:
    return "..." if is_gsm7(text) else "…"


def fit(messages: list[str], max_segments: int = 3, gsm7: bool = True) -> str:
    """The bot's ``messages`` as one SMS body of at most ``max_segments`` segments.

    Messages are joined with newlines (an SMS conversation shows one bubble per Twilio message,
    and several TwiML messages may arrive out of order). With ``gsm7`` the text is transliterated
    first so it costs GSM-7 rates. When it is still too long, the longest line (an answer's body)
    is shortened at a word boundary so the source line and the numbered menu still arrive; only
    if that is not enough is the text cut at a line boundary (or, if that would throw away more
    than a third, at a word boundary). Cuts end with "..." ("…" when the text is UCS-2 anyway),
    so a person never receives a word cut in half.
    """
    if max_segments < 1:
        raise ValueError("max_segments must be 1 or more")
    text = "\n".join(m.strip() for m in messages if m and m.strip())
    if gsm7:
        text = to_gsm7(text)
    if segments(text) <= max_segments:
        return text
    ellipsis = _ellipsis_for(text)
    trimmed = _trim_longest_line(text, max_segments, ellipsis)
    if trimmed is not None:
        return trimmed

    def fits(k: int) -> bool:
        return segments(text[:k].rstrip() + ellipsis) <= max_segments

    lo, hi = 0, len(text)  # invariant: fits(lo); the longest fitting prefix is in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if fits(mid):
            lo = mid
        else:
            hi = mid - 1
    cut = text[:lo]
    line_end = cut.rfind("\n")
    if line_end >= len(cut) * 2 // 3:
        cut = cut[:line_end]
    elif lo < len(text) and not text[lo].isspace():
        word_end = max(cut.rfind(" "), cut.rfind("\n"))
        if word_end > 0:
            cut = cut[:word_end]
    return cut.rstrip(" \n\t.,;:-") + ellipsis


def _trim_longest_line(text: str, max_segments: int, ellipsis: str, keep: int = 80) -> str | None:
    """Shorten only the longest line (an answer's body) so the source line, the "may be dated"
    line and the numbered menu after it all still arrive; None when that line would have to
    shrink below ``keep`` characters to fit (then the caller cuts the end instead)."""
    lines = text.split("\n")
    i = max(range(len(lines)), key=lambda k: len(lines[k]))
    line = lines[i]

    def build(k: int) -> str:
        cut = line[:k]
        if k < len(line) and not line[k].isspace():
            space = cut.rfind(" ")
            cut = cut[:space] if space > 0 else cut
        return "\n".join([*lines[:i], cut.rstrip(" \t.,;:-") + ellipsis, *lines[i + 1 :]])

    lo, hi = 0, len(line)  # invariant: the longest fitting cut is in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if segments(build(mid)) <= max_segments:
            lo = mid
        else:
            hi = mid - 1
    if lo < keep or segments(build(lo)) > max_segments:
        return None
    return build(lo)


def chunks(text: str, limit: int = WHATSAPP_LIMIT) -> list[str]:
    """``text`` split into pieces of at most ``limit`` characters, at line or word boundaries.

    Used for WhatsApp, where nothing is trimmed but Twilio still refuses bodies over 1,600.
    """
    if limit < 1:
        raise ValueError("limit must be 1 or more")
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut < limit // 2:
            cut = window.rfind(" ")
        if cut < limit // 2:
            cut = limit
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces
