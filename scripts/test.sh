#!/usr/bin/env bash
# `make test`: lint, unit and end-to-end tests (real model, real servers, real SQLite, PostgreSQL
# and Redis started here), Rasa's data validation, test stories and NLU cross-validation.
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
failed=()
step() {
  local name=$1; shift
  echo "=== $name"
  local started=$SECONDS
  "$@"
  local rc=$?
  echo "=== $name: $([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)") in $((SECONDS - started)) s"
  [ $rc -eq 0 ] || failed+=("$name")
}

pytest_step() {
  .venv/bin/python -m pytest "$@"
  local rc=$?
  if [ $rc -eq 5 ]; then echo "pytest collected no tests: that is a broken test suite, not a pass." >&2; return 1; fi
  return $rc
}

step "ruff" .venv/bin/ruff check bot actions tests bench scripts
step "knowledge base" .venv/bin/python -m bot kb validate
step "rasa data validate" .venv/bin/rasa data validate --fail-on-warnings --quiet
step "services (PostgreSQL, Redis)" scripts/services.sh start
# shellcheck disable=SC1091
[ -f .run/services.env ] && source .run/services.env
step "pytest" pytest_step tests -q -rs
step "rasa test stories" .venv/bin/rasa test core --stories tests/stories --model models/ruta.tar.gz \
  --fail-on-prediction-errors --out results/core --quiet
step "nlu cross-validation" scripts/nlu_eval.sh
scripts/services.sh stop >/dev/null 2>&1 || true

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED steps: ${failed[*]}"
  exit 1
fi
echo "All checks passed."
