#!/usr/bin/env bash
# `make run`: the web server, a Celery worker and Celery beat, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
PROBE_HOST="$HOST"
[ "$HOST" = "0.0.0.0" ] && PROBE_HOST=127.0.0.1
if (exec 3<>"/dev/tcp/$PROBE_HOST/$PORT") 2>/dev/null; then
  echo "Port $PORT is already in use: stop what is running there, or run PORT=8001 make run" >&2
  exit 1
fi
mkdir -p .run
pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM

.venv/bin/celery -A talentportal worker --loglevel=INFO --concurrency=2 >.run/worker.log 2>&1 &
pids+=($!)
.venv/bin/celery -A talentportal beat --loglevel=INFO --schedule=.run/celerybeat-schedule >.run/beat.log 2>&1 &
pids+=($!)
$PY manage.py runserver "$HOST:$PORT" >.run/web.log 2>&1 &
pids+=($!)

for _ in $(seq 100); do
  if curl -fsS -o /dev/null "http://$PROBE_HOST:$PORT/health/" 2>/dev/null; then break; fi
  sleep 0.2
done
curl -fsS -o /dev/null "http://$PROBE_HOST:$PORT/health/" || { echo "The web server did not start; see .run/web.log" >&2; exit 1; }

echo
echo "  The portal is running at http://$HOST:$PORT/"
echo "  Logs: .run/web.log, .run/worker.log (emails are printed there), .run/beat.log"
echo
$PY manage.py demo_logins
echo
echo "  Press Ctrl-C to stop the portal (PostgreSQL and Redis keep running: make stop)."
wait -n "${pids[@]}"
