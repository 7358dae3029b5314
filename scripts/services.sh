#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL and Redis on loopback for the tests, installing Debian's
# packages when they are missing. Data lives in .run/services/ and is wiped on each start.
# Writes .run/services.env with RUTA_TEST_PG_URL and RUTA_TEST_REDIS_URL for the test run.
set -euo pipefail
cd "$(dirname "$0")/.."
action=${1:-start}
dir="$PWD/.run/services"
env_file="$PWD/.run/services.env"
# Ports: the ones a previous start chose (pg-stop/pg-start), else the defaults when free, else any
# free loopback port, so a second checkout or a developer's own servers never collide.
[ -f "$env_file" ] && [ "$action" != start ] && . "$env_file"
free_port() {  # the preferred port if nothing listens there, else any free one
  python3 - "$1" <<'PY'
import socket, sys
def bind(port):
    with socket.socket() as s:
        s.bind(("127.0.0.1", port))
        return s.getsockname()[1]
try:
    print(bind(int(sys.argv[1])))
except OSError:
    print(bind(0))
PY
}
PG_PORT=${RUTA_TEST_PG_PORT:-}
REDIS_PORT=${RUTA_TEST_REDIS_PORT:-}
if [ "$action" = start ]; then
  PG_PORT=${PG_PORT:-$(free_port 55432)}
  REDIS_PORT=${REDIS_PORT:-$(free_port 56379)}
fi
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_missing() {
  local want=()
  [ -n "$(pg_bin)" ] || want+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || want+=(redis-server)
  [ ${#want[@]} -eq 0 ] && return 0
  if [ "$(id -u)" != 0 ]; then
    echo "Missing ${want[*]}: install them (sudo apt-get install ${want[*]}) and run this again." >&2
    return 1
  fi
  echo "Installing ${want[*]} from Debian's packages"
  apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
  # The packages start system-wide services; the tests use their own instances instead.
  service postgresql stop >/dev/null 2>&1 || true
  service redis-server stop >/dev/null 2>&1 || true
}

stop() {
  if [ -f "$dir/pg/PG_VERSION" ]; then as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -f "$dir/redis.pid" ]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; rm -f "$dir/redis.pid"; fi
}

start() {
  install_missing
  stop
  rm -rf "$dir"; mkdir -p "$dir/pg" "$dir/redis"
  [ "$(id -u)" = 0 ] && chown -R postgres "$dir/pg" && chmod 755 "$PWD/.run" "$dir"
  as_postgres "$(pg_bin)/initdb" -D "$dir/pg" -A trust -U ruta >/dev/null
  as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w \
    -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $dir/pg -c fsync=off" start >/dev/null
  "$(pg_bin)/createdb" -h 127.0.0.1 -p "$PG_PORT" -U ruta ruta_test
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --dir "$dir/redis" --logfile "$dir/redis/redis.log"
  for _ in $(seq 1 50); do [ -f "$dir/redis.pid" ] && break; sleep 0.1; done
  cat > "$env_file" <<ENV
export RUTA_TEST_PG_PORT=$PG_PORT
export RUTA_TEST_REDIS_PORT=$REDIS_PORT
export RUTA_TEST_PG_URL=postgresql://ruta@127.0.0.1:$PG_PORT/ruta_test
export RUTA_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
ENV
  echo "PostgreSQL on 127.0.0.1:$PG_PORT, Redis on 127.0.0.1:$REDIS_PORT (see .run/services.env)"
}

pg_ctl_() { as_postgres "$(pg_bin)/pg_ctl" -D "$dir/pg" -l "$dir/pg/server.log" -w "$@" >/dev/null; }

case "$action" in
  start) start ;;
  stop) stop ;;
  # Fault tests take the database away under a running Ruta and bring it back.
  pg-stop) pg_ctl_ -m fast stop ;;
  pg-start) pg_ctl_ -o "-p $PG_PORT -c listen_addresses=127.0.0.1 -k $dir/pg -c fsync=off" start ;;
  *) echo "usage: $0 start|stop|pg-stop|pg-start" >&2; exit 2 ;;
esac
