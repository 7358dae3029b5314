#!/usr/bin/env bash
# NLU cross-validation on Ruta's own data (one model for both languages), then F1 per language.
set -euo pipefail
cd "$(dirname "$0")/.."
folds=${RUTA_NLU_FOLDS:-3}
.venv/bin/rasa test nlu --nlu data/nlu --cross-validation --folds "$folds" --out results/nlu --quiet
.venv/bin/python scripts/nlu_eval.py results/nlu
