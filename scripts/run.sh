#!/usr/bin/env bash
# `make run`: the web server, a Celery worker and Celery beat, until Ctrl-C.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
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
  if curl -fsS -o /dev/null "http://$HOST:$PORT/health/" 2>/dev/null; then break; fi
  sleep 0.2
done
curl -fsS -o /dev/null "http://$HOST:$PORT/health/" || { echo "The web server did not start; see .run/web.log" >&2; exit 1; }

cat <<MSG

  The portal is running at http://$HOST:$PORT/
  Logs: .run/web.log, .run/worker.log (emails are printed here), .run/beat.log

  Demo logins (password: $($PY -c 'from talentportal.directory.demo import DEMO_PASSWORD as p; print(p)' 2>/dev/null || echo demo-password-2026)):
MSG
$PY manage.py shell -c '
from talentportal.directory.demo import ROLE_LOGINS, demo_email
for local, first, last, grants in ROLE_LOGINS:
    label = grants[0]["role"].label if grants else "Participant"
    scope = grants[0].get("organisation") or grants[0].get("system") or grants[0].get("scheme", "") if grants else ""
    print(f"    {label:<26} {demo_email(local):<36} {scope}")
'
cat <<MSG

  Staff roles (programme administrator, talent lead, scheme manager, report
  team, system administrator) use two-factor authentication: the demo accounts
  share the TOTP secret $($PY -c 'from talentportal.directory.demo import DEMO_TOTP_SECRET as s; print(s)'),
  and \`make totp\` prints the current code.

  Press Ctrl-C to stop (PostgreSQL and Redis keep running: \`make stop\`).
MSG
wait -n "${pids[@]}"
