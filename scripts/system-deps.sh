#!/usr/bin/env bash
# Install the Debian packages the portal needs, if any is missing:
# with apt-get as root, otherwise through sudo, otherwise say what to install.
set -euo pipefail

missing=()
# ldconfig lives in /sbin, which is not on a Debian user's PATH.
LDCONFIG="$(command -v ldconfig || echo /sbin/ldconfig)"
have_lib() { "$LDCONFIG" -p 2>/dev/null | grep -F "$1" >/dev/null; }

{ ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 && id postgres >/dev/null 2>&1; } || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v chromium >/dev/null || missing+=(chromium)
command -v pdftotext >/dev/null || missing+=(poppler-utils)
have_lib libpango-1.0.so.0 || missing+=(libpango-1.0-0)
have_lib libpangoft2-1.0.so.0 || missing+=(libpangoft2-1.0-0)
have_lib libharfbuzz-subset.so.0 || missing+=(libharfbuzz-subset0)
command -v fc-list >/dev/null || missing+=(fontconfig)
{ command -v fc-list >/dev/null && fc-list | grep -i "DejaVu Sans" >/dev/null; } || missing+=(fonts-dejavu-core)
{ command -v fc-list >/dev/null && fc-list | grep -i "Liberation Sans" >/dev/null; } || missing+=(fonts-liberation)
command -v npm >/dev/null || missing+=(nodejs npm)
# The HTTP load generator of scripts/bench_http.py (`make bench`).
command -v wrk >/dev/null || missing+=(wrk)
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "Installing Debian packages: ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  sudo apt-get update -qq
  sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}" >&2
  echo "Install them as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
