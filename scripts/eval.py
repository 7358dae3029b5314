"""Score Ruta on the project's evaluation set (tests/eval/conversations.yml) over REST.

    python scripts/eval.py [--url http://127.0.0.1:5005] [--set tests/eval/conversations.yml]
                           [--json out.json] [--show-failures]

Without --url it starts Ruta's own servers (action server + Rasa, SQLite tracker in a temporary
directory), exactly as the end-to-end tests do, and stops them afterwards.

Each conversation gets a fresh sender id; each turn is POSTed to /webhooks/rest/webhook and the
texts of all bot messages of that turn are joined into one reply. A turn is right when:

1. the reply is not empty;
2. every `must` group has at least one alternative in the reply;
3. no `must_not` string is in the reply;
4. the reply is in the turn's `lang` (see `reply_language`);
5. the reply contains no invented digits (see `invented_numbers`).

Numbered menu options in the reply ("6 Albergue") do not count for `must`: a menu is not an answer.

Matching (`contains`): reply and alternative are case-folded, stripped of accents, and every run of
characters that are not letters or digits becomes one space. An alternative then has to start at
the start of a word of the reply (so the stem "devol" finds "devolución", but "año" does not find
"humano"). Alternatives shorter than 4 characters ("911", "si") and acronyms written in capitals
("INM", "DIF", "PANI") must match whole words, so "INM" does not find "inmediato".

The score is a measurement, not a gate: the exit code is 0 whatever the score, and 2 only when the
servers cannot be started or reached.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import requests
import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SET = ROOT / "tests" / "eval" / "conversations.yml"
KB_DIR = ROOT / "knowledge_base"
LANGS = ("es", "en")

# ---------------------------------------------------------------- text matching


def fold(text: str) -> str:
    """Case-folded, accent-free text (ñ → n): the form every comparison uses."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def normalise(text: str) -> str:
    """Folded text with every run of non-alphanumerics collapsed to one space."""
    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold(text)).split())


_ACRONYM = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")


def contains(reply: str, alternative: str) -> bool:
    """Whether `alternative` occurs in `reply` (rules in the module docstring)."""
    needle = normalise(alternative)
    if not needle:
        return False
    haystack = " " + normalise(reply) + " "
    whole_word = len(needle) < 4 or bool(_ACRONYM.match(alternative.strip()))
    return (" " + needle + (" " if whole_word else "")) in haystack


# ---------------------------------------------------------------- language

# Common function words that exist in only one of the two languages (accent-folded). Words that are
# the same in both ("a", "no", "me", "son") are left out on purpose.
SPANISH_WORDS = frozenset(
    """
    de la el los las que en y un una unos unas por para con del al es se su sus tu tus te lo le les
    mas pero como esta estas este estos esto hay puedes puede pueden si o sin tienes tiene tienen
    donde cuando ya muy tambien aqui ese eso esa sobre entre hasta desde debes ser fue eres estas
    ni porque quien cual nos mi mis usted dime escribe pide pais quieres necesitas gracias
    """.split()
)
ENGLISH_WORDS = frozenset(
    """
    the and to of you your in is for can if are on at or with not this it be do what where how
    which who from that have has an will would there they their was were my we our us here about
    please type ask get write thanks country
    """.split()
)
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+\.(?:gob|gov|org|com|net|go|int)(?:\.[a-z]{2})?\S*", re.I)
_WORD = re.compile(r"[^\W\d_]+")


def language_counts(text: str) -> tuple[int, int]:
    """(Spanish, English) function-word counts of `text`.

    URLs and digits are dropped; a function word directly followed by a capitalised word is skipped,
    because it is most likely part of a proper name ("La Chacra", "El Salvador", "Comisión Mexicana
    de Ayuda", "the Refugees Department") rather than of the sentence's language.
    """
    words = _WORD.findall(_URL.sub(" ", unicodedata.normalize("NFC", text)))
    es = en = 0
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if nxt[:1].isupper():
            continue
        key = fold(word)
        es += key in SPANISH_WORDS
        en += key in ENGLISH_WORDS
    return es, en


def reply_language(text: str) -> str | None:
    """'es' or 'en' by majority of function words; None when too short (< 3 of them) or tied."""
    es, en = language_counts(text)
    if es + en < 3 or es == en:
        return None
    return "es" if es > en else "en"


# ---------------------------------------------------------------- invented digits

# A run of digits, allowing one space, dot, comma or dash between groups ("2222-3333", "15.000").
_NUMBER = re.compile(r"\d+(?:[ .,\-]\d+)*")
# Distances Ruta computes from sourced coordinates ("a unos 125 km", "about 140 km away").
_DISTANCE = re.compile(r"\d+(?:[.,]\d+)?\s*km\b", re.I)


def number_forms(text: str) -> set[str]:
    """Every digit string in `text`: whole numbers (separators removed) and their single groups."""
    forms: set[str] = set()
    for match in _NUMBER.finditer(text):
        groups = re.findall(r"\d+", match.group())
        forms.add("".join(groups))
        forms.update(groups)
    return forms


def kb_numbers(kb_dir: Path = KB_DIR) -> frozenset[str]:
    """All digit strings in the knowledge base's YAML files (loaded once per run)."""
    forms: set[str] = set()
    for path in sorted(kb_dir.rglob("*.yml")) + sorted(kb_dir.rglob("*.yaml")):
        forms |= number_forms(path.read_text(encoding="utf-8"))
    return frozenset(forms)


def invented_numbers(reply: str, known: Iterable[str] | frozenset[str]) -> list[str]:
    """Numbers of 3+ digits in `reply` that no knowledge-base file (nor the person) wrote.

    A number passes when its digits, separators removed, appear in `known`, or when each of its
    groups of 3+ digits does ("llama al 911 110" would be two known groups). Shorter numbers
    (menu choices, "30 días") and distances in km (computed from sourced coordinates) are never
    counted.
    """
    known = known if isinstance(known, (set, frozenset)) else set(known)
    invented = []
    for match in _NUMBER.finditer(_DISTANCE.sub(" ", reply)):
        groups = re.findall(r"\d+", match.group())
        whole = "".join(groups)
        if len(whole) < 3 or whole in known:
            continue
        if all(len(g) < 3 or g in known for g in groups) and any(len(g) >= 3 for g in groups):
            continue
        invented.append(match.group())
    return invented


# ---------------------------------------------------------------- the set


@dataclass
class Turn:
    conversation: str
    index: int
    user: str
    lang: str
    klass: str
    must: list[list[str]]
    must_not: list[str] = field(default_factory=list)
    emergency: bool = False
    mixed: bool = False


@dataclass
class Conversation:
    id: str
    turns: list[Turn]


def _as_groups(raw: Any, where: str) -> list[list[str]]:
    if not isinstance(raw, list) or not raw:
        raise ValueError(f"{where}: `must` must be a non-empty list of lists")
    groups = []
    for group in raw:
        if isinstance(group, str):
            group = [group]
        if not isinstance(group, list) or not group or not all(isinstance(a, str) and a.strip() for a in group):
            raise ValueError(f"{where}: every `must` group must be a non-empty list of strings")
        groups.append(list(group))
    return groups


def load_set(path: Path = DEFAULT_SET) -> list[Conversation]:
    """The evaluation conversations, checked: unique ids, every turn with user/lang/must."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    conversations: list[Conversation] = []
    seen: set[str] = set()
    for raw in data.get("conversations") or []:
        cid = str(raw.get("id", "")).strip()
        if not cid or cid in seen:
            raise ValueError(f"conversation id missing or repeated: {cid!r}")
        seen.add(cid)
        default_class = raw.get("class")
        turns = []
        for i, t in enumerate(raw.get("turns") or []):
            where = f"{cid} turn {i + 1}"
            user, lang = t.get("user"), t.get("lang")
            klass = t.get("class", default_class)
            if not isinstance(user, str) or not user.strip():
                raise ValueError(f"{where}: `user` missing")
            if lang not in LANGS:
                raise ValueError(f"{where}: `lang` must be one of {LANGS}, not {lang!r}")
            if not klass:
                raise ValueError(f"{where}: no class")
            must_not = t.get("must_not") or []
            if not isinstance(must_not, list) or not all(isinstance(s, str) for s in must_not):
                raise ValueError(f"{where}: `must_not` must be a list of strings")
            turns.append(
                Turn(
                    conversation=cid,
                    index=i + 1,
                    user=user,
                    lang=lang,
                    klass=str(klass),
                    must=_as_groups(t.get("must"), where),
                    must_not=list(must_not),
                    emergency=bool(t.get("emergency", False)),
                    mixed=bool(t.get("mixed", False)),
                )
            )
        if not turns:
            raise ValueError(f"{cid}: no turns")
        conversations.append(Conversation(cid, turns))
    return conversations


# ---------------------------------------------------------------- scoring


# A line that is only a numbered menu option ("6 Albergue", "0 Menu"): a number without a dot and at
# most five words. Lists of places ("1. Casa del Migrante: ...") have a dot and are kept.
_MENU_OPTION = re.compile(r"^\s*\d{1,2}\s+(?:\S+\s*){1,5}$")


def without_menu_options(reply: str) -> str:
    """The reply without its numbered menu options: a menu offering "6 Albergue" answers nothing."""
    return "\n".join(line for line in reply.splitlines() if not _MENU_OPTION.match(line))


def score_turn(turn: Turn, reply: str, known_numbers: Iterable[str], said: str = "") -> list[str]:
    """Why the reply is wrong (empty list: right). `said` is what the person wrote so far.

    `must` is looked for in the reply without its menu options; `must_not`, the language and the
    digits are checked on the whole reply.
    """
    if not reply.strip():
        return ["empty reply"]
    reasons = []
    content = without_menu_options(reply)
    for group in turn.must:
        if not any(contains(content, alt) for alt in group):
            reasons.append("missing one of " + " | ".join(group[:6]) + (" | …" if len(group) > 6 else ""))
    for forbidden in turn.must_not:
        if contains(reply, forbidden):
            reasons.append(f"forbidden: {forbidden}")
    detected = reply_language(reply)
    if detected is not None and detected != turn.lang:
        es, en = language_counts(reply)
        reasons.append(f"language: expected {turn.lang}, reply reads {detected} (es {es} / en {en})")
    known = set(known_numbers) | number_forms(said)
    invented = invented_numbers(reply, known)
    if invented:
        reasons.append("invented digits: " + ", ".join(invented))
    return reasons


@dataclass
class Result:
    conversation: str
    turn: int
    klass: str
    lang: str
    mixed: bool
    emergency: bool
    user: str
    reply: str
    reasons: list[str]

    @property
    def right(self) -> bool:
        return not self.reasons


Say = Callable[[str, str], str]


def rest_say(url: str, timeout: float = 60) -> Say:
    """A function sending one message over Ruta's REST channel and returning the joined reply."""
    session = requests.Session()

    def say(sender: str, message: str) -> str:
        response = session.post(
            f"{url.rstrip('/')}/webhooks/rest/webhook", json={"sender": sender, "message": message}, timeout=timeout
        )
        response.raise_for_status()
        return "\n".join(m.get("text", "") for m in response.json() if m.get("text"))

    return say


def run_set(conversations: list[Conversation], say: Say, kb_dir: Path = KB_DIR) -> list[Result]:
    """Every conversation under a fresh sender id; one warm-up message first (not scored).

    The knowledge base's numbers are read once; when a reply seems to invent one, they are read again
    before it counts, because editors may change a running server's content during the run.
    """
    results = []
    run_id = uuid.uuid4().hex[:8]
    known_numbers = kb_numbers(kb_dir)
    try:  # the first message of a fresh server loads models; its time is not the bot's answer
        say(f"eval-{run_id}-warm-up", "hola")
    except requests.RequestException:
        pass
    for conv in conversations:
        sender = f"eval-{run_id}-{conv.id}"
        said = ""
        for turn in conv.turns:
            said += "\n" + turn.user
            try:
                reply = say(sender, turn.user)
                reasons = score_turn(turn, reply, known_numbers, said)
                if any(r.startswith("invented digits") for r in reasons):
                    known_numbers = kb_numbers(kb_dir)
                    reasons = score_turn(turn, reply, known_numbers, said)
            except requests.RequestException as exc:
                reply, reasons = "", [f"request failed: {exc}"]
            results.append(
                Result(
                    conv.id, turn.index, turn.klass, turn.lang, turn.mixed, turn.emergency, turn.user, reply, reasons
                )
            )
    return results


# ---------------------------------------------------------------- report


def fraction(right: int, total: int) -> str:
    return f"{right / total:.2f}" if total else "n/a"


def tally(results: list[Result], key: Callable[[Result], str]) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in results:
        counts[key(r)][0] += r.right
        counts[key(r)][1] += 1
    return {k: (v[0], v[1]) for k, v in sorted(counts.items())}


def language_row(r: Result) -> str:
    """es / en for turns in one language; `mixed` for Spanglish turns (whatever the reply's language)."""
    return "mixed" if r.mixed else r.lang


def report(results: list[Result]) -> str:
    lines = [f"{'class':<16} {'right':>5} {'total':>5}  accuracy"]
    for name, (right, total) in tally(results, lambda r: r.klass).items():
        lines.append(f"{name:<16} {right:>5} {total:>5}  {fraction(right, total)}")
    lines.append("")
    lines.append(f"{'language':<16} {'right':>5} {'total':>5}  accuracy")
    for name, (right, total) in tally(results, language_row).items():
        lines.append(f"{name:<16} {right:>5} {total:>5}  {fraction(right, total)}")
    lines.append("")
    emergency = [r for r in results if r.emergency]
    e_right = sum(r.right for r in emergency)
    right = sum(r.right for r in results)
    lines.append(f"emergency: {fraction(e_right, len(emergency))} ({e_right}/{len(emergency)})")
    lines.append(f"eval: {fraction(right, len(results))} ({right}/{len(results)})")
    return "\n".join(lines)


def failures(results: list[Result]) -> str:
    out = []
    for r in results:
        if r.right:
            continue
        out.append(f"--- {r.conversation} #{r.turn} [{r.klass}, {r.lang}{', emergency' if r.emergency else ''}]")
        out.append(f"  user : {r.user}")
        out.append("  reply: " + (r.reply.replace("\n", "\n         ") or "(empty)"))
        out.extend(f"  why  : {reason}" for reason in r.reasons)
    return "\n".join(out)


# ---------------------------------------------------------------- servers


def reachable(url: str) -> bool:
    """Whether a Rasa server answers at `url`. Its API may need a token (401/403): it is still up,
    and the REST webhook the evaluation uses needs none."""
    try:
        return requests.get(f"{url.rstrip('/')}/status", timeout=5).status_code < 500
    except requests.RequestException:
        return False


def start_servers(workdir: Path) -> Any:
    """Ruta's action + Rasa servers on free loopback ports, as tests/e2e/conftest.py starts them.

    They serve a snapshot of knowledge_base/ copied into `workdir`, so that content edits made by
    others during the run neither change answers half-way nor break the invented-digits check.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from tests.e2e.servers import Ruta, base_env

    kb = workdir / "knowledge_base"
    shutil.copytree(KB_DIR, kb, ignore=shutil.ignore_patterns("schema"))
    db_url = f"sqlite:///{workdir / 'tracker.db'}"
    env = base_env(
        RUTA_KB_PATH=str(kb),
        RUTA_DB_URL=db_url,
        # a throwaway key: the tracker lives in this temporary directory only
        RUTA_PSEUDONYM_KEY="eval-" + secrets.token_hex(24),
    )
    create_tracker_db(db_url, env)
    return Ruta(workdir, env).start()


def create_tracker_db(db_url: str, env: dict[str, str]) -> None:
    """Create the empty SQLite tracker with Rasa's own schema.

    Ruta refuses to start on a configured SQLite file that does not exist (it could be a volume that
    is not mounted), so a fresh evaluation database is made here, in a subprocess to keep TensorFlow
    out of this process.
    """
    code = (
        "import sys\n"
        "from rasa.core.tracker_store import SQLTrackerStore\n"
        "from sqlalchemy import create_engine\n"
        "engine = create_engine(sys.argv[1])\n"
        "SQLTrackerStore.Base.metadata.create_all(engine)\n"
        "engine.dispose()\n"
    )
    subprocess.run([sys.executable, "-c", code, db_url], cwd=ROOT, env=env, check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running Ruta (Rasa server); without it, start one")
    parser.add_argument("--set", default=str(DEFAULT_SET), help="the evaluation set (YAML)")
    parser.add_argument("--json", help="write every turn's result and the summary here")
    parser.add_argument("--show-failures", action="store_true", help="print each failing turn and why")
    args = parser.parse_args(argv)

    conversations = load_set(Path(args.set))
    server = None
    tmp = tempfile.TemporaryDirectory(prefix="ruta-eval-")
    try:
        if args.url:
            url = args.url
            if not reachable(url):
                print(f"eval: Ruta is not reachable at {url}", file=sys.stderr)
                return 2
        else:
            try:
                server = start_servers(Path(tmp.name))
            except Exception as exc:  # noqa: BLE001 - any start failure means no measurement
                print(f"eval: the servers could not start: {exc}", file=sys.stderr)
                return 2
            url = server.url
        kb_dir = Path(server.env["RUTA_KB_PATH"]) if server is not None else KB_DIR
        results = run_set(conversations, rest_say(url), kb_dir)
    finally:
        if server is not None:
            server.stop()
        tmp.cleanup()

    if args.show_failures:
        print(failures(results))
        print()
    if args.json:
        summary = {
            "classes": {k: {"right": r, "total": t} for k, (r, t) in tally(results, lambda x: x.klass).items()},
            "languages": {k: {"right": r, "total": t} for k, (r, t) in tally(results, language_row).items()},
            "emergency": {
                "right": sum(r.right for r in results if r.emergency),
                "total": sum(r.emergency for r in results),
            },
            "eval": {"right": sum(r.right for r in results), "total": len(results)},
        }
        payload = {"summary": summary, "turns": [asdict(r) | {"right": r.right} for r in results]}
        Path(args.json).write_text(json.dumps(payload, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
