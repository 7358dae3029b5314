#!/usr/bin/env bash
# `make shell` / `make serve`: the action server (5055, loopback) and Rasa (the staff shell, or the
# server on 5005 with the REST and Twilio webhooks), each kept running by bot.supervise: a process
# that dies is restarted with back-off while the other keeps going (Rasa answers with the fallback
# until the action server is back). Retention purges run beside them (bot.retention). Ctrl-C or
# SIGTERM stops everything, nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-serve}
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
# Rasa's dependencies print pages of deprecation warnings at start; staff need the prompt.
export PYTHONWARNINGS=${PYTHONWARNINGS:-ignore} TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-3}
PY=.venv/bin/python
RUN=${RUTA_RUN_DIR:-.run}  # generated settings (with passwords and tokens: owner-only), logs, pids
ACTION_PORT=${RUTA_ACTION_PORT:-5055}
RASA_PORT=${RUTA_PORT:-5005}
export RUTA_ACTION_URL=${RUTA_ACTION_URL:-http://127.0.0.1:$ACTION_PORT/webhook}
# The action server runs any action with any slots: loopback only (RUTA_ACTION_HOST to change it),
# and only for callers holding this run's token (Rasa gets it through endpoints.yml).
export RUTA_ACTION_TOKEN=${RUTA_ACTION_TOKEN:-$($PY -c 'import secrets; print(secrets.token_hex(24))')}
case "${RUTA_ACTION_HOST:-}" in
  "" | 0.0.0.0 | "::") action_host=127.0.0.1 ;;  # where the health check below reaches it
  *) action_host=$RUTA_ACTION_HOST ;;
esac

# Several Rasa processes (Sanic workers) need Rasa's lock store in Redis, so that one person's
# messages are never processed by two workers at once; without it Rasa would use one anyway.
workers=${SANIC_WORKERS:-1}
if ! [[ "$workers" =~ ^[1-9][0-9]*$ ]]; then echo "SANIC_WORKERS must be a whole number, 1 or more." >&2; exit 2; fi
if [ "$mode" = shell ]; then workers=1; fi
if [ "$workers" -gt 1 ] && [ -z "${RUTA_REDIS_URL:-}" ]; then
  echo "SANIC_WORKERS=$workers needs RUTA_REDIS_URL (Redis lock store); running one Rasa process." >&2
  workers=1
fi
export SANIC_WORKERS=$workers

mkdir -p "$RUN"
chmod 700 "$RUN"
$PY -m bot.rasa.runtime --wait-db "${RUTA_DB_WAIT_SECONDS:-300}" "$RUN"
pids=()
launcher=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM

supervise() {  # NAME LOG|"" PIDFILE -- COMMAND...: start COMMAND under bot.supervise, in the background
  local name=$1 log=$2 pid_file=$3
  shift 4
  "${launcher[@]}" $PY -m bot.supervise --name "$name" ${log:+--log "$log"} --pid-file "$pid_file" -- "$@" &
  pids+=($!)
  launcher=()
}

# The actions answer from the knowledge base only: they never get the Twilio token, the pseudonym
# key, the API token or the database and Redis URLs (which may hold passwords).
launcher=(env -u TWILIO_AUTH_TOKEN -u RUTA_PSEUDONYM_KEY -u RUTA_API_TOKEN -u RUTA_DB_URL -u RUTA_REDIS_URL)
supervise "action server" "$RUN/actions.log" "$RUN/actions.pid" -- \
  $PY -m bot.rasa.action_server --actions actions --port "$ACTION_PORT"
for i in $(seq 1 600); do  # /ready: listening and the knowledge base loaded (or found broken)
  if $PY - "$action_host" "$ACTION_PORT" <<'PY' 2>/dev/null; then break; fi
import sys, urllib.request
urllib.request.urlopen(f"http://{sys.argv[1]}:{sys.argv[2]}/ready", timeout=1)
PY
  if [ "$i" = 600 ]; then echo "The action server did not get ready; see $RUN/actions.log" >&2; exit 1; fi
  sleep 0.5
done
supervise "retention" "$RUN/retention.log" "$RUN/retention.pid" -- $PY -m bot.retention

if [ "$mode" = shell ]; then
  echo "Ruta shell: type \"hola\" or \"hi\"; /stop to leave. (action server log: $RUN/actions.log)"
  # Rasa's console with Ruta's REST channel (limits, fallback, BORRAR), on loopback only.
  $PY -m bot.rasa.server run --connector bot.rasa.channels.rest.ShellInput --interface 127.0.0.1 --port "$RASA_PORT" \
    --model models/ruta.tar.gz --endpoints "$RUN/endpoints.yml" --quiet
else
  echo "Ruta on http://localhost:$RASA_PORT — REST /webhooks/rest/webhook, Twilio /webhooks/twilio/webhook, status /status"
  # Rasa's HTTP API (/model, /conversations, ...) can replace the model and read every
  # conversation: it is off unless staff set RUTA_API_TOKEN, and then every call needs the token.
  api_args=()
  if [ -n "${RUTA_API_TOKEN:-}" ]; then  # bot.rasa.server adds --auth-token from the environment (not in ps)
    api_args=(--enable-api)
    echo "Rasa HTTP API on, token required (RUTA_API_TOKEN)."
  fi
  supervise "rasa" "" "$RUN/rasa.pid" -- \
    $PY -m bot.rasa.server run --model models/ruta.tar.gz --endpoints "$RUN/endpoints.yml" \
    --credentials "$RUN/credentials.yml" --interface "${RUTA_HOST:-0.0.0.0}" --port "$RASA_PORT" "${api_args[@]}"
  wait -n "${pids[@]}" || true
  echo "A Ruta supervisor stopped unexpectedly; stopping the rest." >&2
  exit 1
fi
