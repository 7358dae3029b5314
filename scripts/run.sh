#!/usr/bin/env bash
# `make shell` / `make serve`: the action server (5055) and Rasa (shell, or server on 5005 with
# REST and Twilio webhooks), stopped together on Ctrl-C or SIGTERM so nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-serve}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# Rasa's dependencies print pages of deprecation warnings at start; staff need the prompt.
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore} TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-3}
ACTION_PORT=${RUTA_ACTION_PORT:-5055}
RASA_PORT=${RUTA_PORT:-5005}
export RUTA_ACTION_URL=${RUTA_ACTION_URL:-http://localhost:$ACTION_PORT/webhook}

.venv/bin/python -m bot.runtime --wait-db "${RUTA_DB_WAIT_SECONDS:-300}" .run
pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

.venv/bin/python -m rasa_sdk --actions actions --port "$ACTION_PORT" >.run/actions.log 2>&1 &
pids+=($!)
for _ in $(seq 1 120); do
  if .venv/bin/python - "$ACTION_PORT" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/health", timeout=1)
PY
  if ! kill -0 "${pids[0]}" 2>/dev/null; then echo "The action server failed to start; see .run/actions.log" >&2; exit 1; fi
  sleep 0.5
done

if [ "$mode" = shell ]; then
  echo "Ruta shell: type \"hola\" or \"hi\"; /stop to leave. (action server log: .run/actions.log)"
  .venv/bin/python -m bot.rasa_main shell --model models/ruta.tar.gz --endpoints .run/endpoints.yml --quiet
else
  echo "Ruta on http://localhost:$RASA_PORT — REST /webhooks/rest/webhook, Twilio /webhooks/twilio/webhook, status /status"
  .venv/bin/python -m bot.rasa_main run --model models/ruta.tar.gz --endpoints .run/endpoints.yml --credentials .run/credentials.yml \
    --port "$RASA_PORT" --enable-api &
  pids+=($!)
  wait -n "${pids[@]}" || true
  echo "A Ruta process stopped; stopping the other." >&2
fi
