#!/usr/bin/env bash
# Project-local PostgreSQL and Redis on 127.0.0.1.
#   scripts/services.sh start   start both (idempotent) and print DATABASE_URL/REDIS_URL
#   scripts/services.sh stop    stop both
#   scripts/services.sh status
# Data lives under /var/tmp, keyed by this checkout's path: initdb run as the
# postgres user fails when a parent of the data directory is not traversable
# (a checkout under a private home folder).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
KEY="$(printf '%s' "$ROOT" | sha1sum | cut -c1-12)"
STATE="${TP_STATE_DIR:-/var/tmp/talentportal-$KEY}"
PGDATA="$STATE/pg"
PGPORT="${TP_PG_PORT:-54329}"
REDIS_PORT="${TP_REDIS_PORT:-63799}"
DB_NAME=talentportal
DB_USER=talentportal
DB_PASSWORD=talentportal

die() { echo "services: $*" >&2; exit 1; }

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  command -v pg_ctl >/dev/null && { dirname "$(command -v pg_ctl)"; return; }
  die "PostgreSQL is not installed: run \`make deps\` (Debian package postgresql)."
}

as_pg() {
  # As root, PostgreSQL must run as the postgres user.
  if [ "$(id -u)" = 0 ]; then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_postgres() {
  local bin; bin="$(pg_bin)"
  mkdir -p "$STATE"
  chmod 755 "$STATE"
  if [ ! -s "$PGDATA/PG_VERSION" ]; then
    mkdir -p "$PGDATA"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    as_pg "$bin/initdb" -D "$PGDATA" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$STATE/initdb.log" 2>&1 \
      || die "initdb failed; see $STATE/initdb.log"
  fi
  if ! as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1; then
    if port_busy "$PGPORT"; then
      die "port $PGPORT is taken by another server: stop it (\`make stop\` in its checkout) or set TP_PG_PORT."
    fi
    as_pg "$bin/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=${TP_PG_FSYNC:-on} -c max_connections=200 -c shared_buffers=256MB" \
      >/dev/null || die "PostgreSQL did not start; see $PGDATA/server.log"
  fi
  # Create the role and database if missing (every time: an interrupted first start heals).
  as_pg "$bin/psql" -h "$PGDATA" -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -qAt >/dev/null <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_USER') THEN
    CREATE ROLE $DB_USER LOGIN CREATEDB PASSWORD '$DB_PASSWORD';
  END IF;
END \$\$;
SELECT 'CREATE DATABASE $DB_NAME OWNER $DB_USER'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$DB_NAME')\gexec
SQL
}

redis_running() {
  # The pid file names a live redis-server (not a recycled pid of something else).
  local pid
  [ -f "$STATE/redis/redis.pid" ] || return 1
  pid="$(cat "$STATE/redis/redis.pid")"
  [ -n "$pid" ] && grep -q redis "/proc/$pid/comm" 2>/dev/null
}

start_redis() {
  command -v redis-server >/dev/null \
    || die "Redis is not installed: run \`make deps\` (Debian package redis-server)."
  mkdir -p "$STATE/redis"
  if redis_running; then
    return 0
  fi
  if port_busy "$REDIS_PORT"; then
    die "port $REDIS_PORT is taken by another server: stop it (\`make stop\` in its checkout) or set TP_REDIS_PORT."
  fi
  redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
    --dir "$STATE/redis" --pidfile "$STATE/redis/redis.pid" --logfile "$STATE/redis/redis.log" \
    --save "" --appendonly no >/dev/null || die "Redis did not start; see $STATE/redis/redis.log"
  for _ in $(seq 50); do
    port_busy "$REDIS_PORT" && return 0
    sleep 0.1
  done
  die "Redis did not answer on 127.0.0.1:$REDIS_PORT; see $STATE/redis/redis.log"
}

stop_all() {
  local bin
  if [ -s "$PGDATA/PG_VERSION" ]; then
    bin="$(pg_bin)"
    as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if redis_running; then
    kill "$(cat "$STATE/redis/redis.pid")" 2>/dev/null || true
  fi
  rm -f "$STATE/redis/redis.pid"
}

print_env() {
  echo "DATABASE_URL=postgres://$DB_USER:$DB_PASSWORD@127.0.0.1:$PGPORT/$DB_NAME"
  echo "REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

case "${1:-start}" in
  start) start_postgres; start_redis; print_env ;;
  stop) stop_all; echo "stopped PostgreSQL and Redis of $ROOT" ;;
  restart-postgres)
    bin="$(pg_bin)"
    as_pg "$bin/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null
    start_postgres ;;
  status)
    bin="$(pg_bin)"
    as_pg "$bin/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1 && echo "postgres: running on $PGPORT" || echo "postgres: stopped"
    port_busy "$REDIS_PORT" && echo "redis: running on $REDIS_PORT" || echo "redis: stopped" ;;
  env) print_env ;;
  *) die "usage: $0 start|stop|status|env" ;;
esac
