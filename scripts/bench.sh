#!/usr/bin/env bash
# `make bench`: Ruta's speed and memory against a bare `rasa init` bot, on this machine, now.
# Prints `name: value unit` lines on stdout (logs and progress go to stderr); see bench/main.py.
# Bounded: each load phase has a deadline and the whole run a hard limit (RUTA_BENCH_LIMIT s);
# every server it starts is stopped on exit, Ctrl-C, SIGTERM or time-out.
set -euo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TF_CPP_MIN_LOG_LEVEL=2 RASA_TELEMETRY_ENABLED=false SQLALCHEMY_SILENCE_UBER_WARNING=1
limit=${RUTA_BENCH_LIMIT:-3600}

if [ ! -x .venv/bin/python ] || [ ! -f models/ruta.tar.gz ]; then
  echo "No venv or no models/ruta.tar.gz: run \`make bench\` (it builds both first)." >&2
  exit 2
fi

# timeout runs the bench in its own process group and, at the limit, signals that whole group
# (the Python driver and every server it started); -k kills whatever ignored the TERM.
timeout -k 30 "$limit" .venv/bin/python -m bench.main "$@" &
pid=$!
stop() { trap - INT TERM; kill -TERM "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; }
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
started=$SECONDS
rc=0
wait "$pid" || rc=$?
echo "bench.sh: finished in $((SECONDS - started)) s (exit $rc)" >&2
[ "$rc" -eq 124 ] && echo "bench.sh: stopped at the ${limit} s limit" >&2
exit "$rc"
