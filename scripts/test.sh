#!/usr/bin/env bash
# `make test`: run each check the Makefile names (its CHECKS: lint, validate, unit, e2e, stories,
# nlu-eval), every one even after a failure, and report them all. A check is its make target, so
# `make unit` alone runs exactly what `make test` runs for "unit".
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
[ $# -gt 0 ] || { echo "usage: scripts/test.sh CHECK... (make test passes the Makefile's CHECKS)" >&2; exit 2; }
failed=()
for check in "$@"; do
  echo "=== $check"
  started=$SECONDS
  make --no-print-directory "$check"
  rc=$?
  echo "=== $check: $([ $rc -eq 0 ] && echo ok || echo "FAILED ($rc)") in $((SECONDS - started)) s"
  [ $rc -eq 0 ] || failed+=("$check")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "FAILED checks: ${failed[*]} (run one alone: make ${failed[0]})"
  exit 1
fi
echo "All checks passed: $*."
