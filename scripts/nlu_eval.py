"""Intent F1 per language from a `rasa test nlu --cross-validation` run.

Rasa reports one figure for the whole data set; Ruta serves two languages with one model, so this
splits the cross-validated predictions by the language folder each example came from
(data/nlu/es, data/nlu/en) and prints `name: value` lines.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import yaml
from sklearn.metrics import accuracy_score, f1_score

ROOT = Path(__file__).resolve().parent.parent


def examples(language: str) -> list[tuple[str, str]]:
    found = []
    for path in sorted((ROOT / "data" / "nlu" / language).glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                text = line.strip()[2:].strip() if line.strip().startswith("- ") else ""
                if text:
                    found.append((text, block["intent"]))
    return found


def main(results: Path) -> int:
    errors = json.loads((results / "intent_errors.json").read_text(encoding="utf-8"))
    wrong = {(e["text"], e["intent"]): e["intent_prediction"]["name"] for e in errors}
    for language in ("es", "en"):
        data = examples(language)
        truth = [intent for _, intent in data]
        predicted = [wrong.get((text, intent), intent) for text, intent in data]
        print(f"nlu_intent_f1_macro_{language}: {f1_score(truth, predicted, average='macro', zero_division=0):.3f}")
        print(
            f"nlu_intent_f1_weighted_{language}: {f1_score(truth, predicted, average='weighted', zero_division=0):.3f}"
        )
        print(f"nlu_intent_accuracy_{language}: {accuracy_score(truth, predicted):.3f} ({len(data)} examples)")
        confusions = Counter((t, p) for t, p in zip(truth, predicted, strict=True) if t != p)
        for (true, pred), count in confusions.most_common(3):
            print(f"  most confused ({language}): {true} -> {pred}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "results" / "nlu"))
