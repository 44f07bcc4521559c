#!/usr/bin/env bash
# Back up or restore the portal's database (pg_dump/pg_restore, custom format).
#   scripts/backup.sh backup [FILE]   FILE defaults to backups/<database>-<UTC timestamp>.dump
#   scripts/backup.sh restore FILE    into the database of DATABASE_URL; FILE is required
# DATABASE_URL defaults to the project-local PostgreSQL of scripts/services.sh.
# The dump holds personal data: keep backups as carefully as the database itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"

die() { echo "backup: $*" >&2; exit 1; }

if [ -z "${DATABASE_URL:-}" ]; then
  DATABASE_URL="$("$ROOT/scripts/services.sh" env | sed -n 's/^DATABASE_URL=//p')"
fi
# libpq reads postgres:// URLs itself; dj-database-url's other spellings it does not.
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  pgsql://* | postgis://*) DATABASE_URL="postgres://${DATABASE_URL#*://}" ;;
  *) die "DATABASE_URL is not a PostgreSQL URL." ;;
esac

newest_pg_bins() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r; }

pg_tool() {
  # The client tools of the server's major version (pg_dump refuses a newer server),
  # looked for where scripts/services.sh finds PostgreSQL, else the newest there, else PATH.
  local tool="$1" psql major dir
  psql="$(command -v psql || true)"
  if [ -z "$psql" ]; then
    for dir in $(newest_pg_bins); do
      [ -x "$dir/psql" ] && { psql="$dir/psql"; break; }
    done
  fi
  [ -n "$psql" ] || die "psql is not installed: run \`make deps\` (Debian package postgresql)."
  major="$("$psql" "$DATABASE_URL" -XAtqc 'SHOW server_version_num' 2>/dev/null)" \
    || die "PostgreSQL is not reachable at DATABASE_URL: run \`make services\`, or set DATABASE_URL."
  major="$((major / 10000))"
  if [ -x "/usr/lib/postgresql/$major/bin/$tool" ]; then
    echo "/usr/lib/postgresql/$major/bin/$tool"
    return
  fi
  for dir in $(newest_pg_bins); do
    [ -x "$dir/$tool" ] && { echo "$dir/$tool"; return; }
  done
  command -v "$tool" >/dev/null && { command -v "$tool"; return; }
  die "$tool is not installed: run \`make deps\` (Debian package postgresql)."
}

backup() {
  local file="${1:-}" tool name
  if [ -z "$file" ]; then
    mkdir -p "$ROOT/backups"
    name="${DATABASE_URL##*/}"
    file="$ROOT/backups/${name%%\?*}-$(date -u +%Y%m%dT%H%M%SZ).dump"
  fi
  [ -e "$file" ] && die "$file exists already: name another file."
  mkdir -p "$(dirname "$file")"
  tool="$(pg_tool pg_dump)"
  # Written beside the target first, so a failed dump never leaves a file that looks whole.
  (umask 077 && "$tool" --format=custom --no-owner --no-privileges --file="$file.partial" \
    --dbname="$DATABASE_URL") || { rm -f "$file.partial"; die "pg_dump failed."; }
  mv "$file.partial" "$file"
  echo "backed up to $file"
}

restore() {
  local file="${1:-}" tool
  [ -n "$file" ] || die "say which backup to restore: make restore FILE=backups/<name>.dump"
  [ -f "$file" ] || die "$file does not exist."
  tool="$(pg_tool pg_restore)"
  # One transaction: a restore that fails part-way leaves the database as it was.
  # --clean drops what the dump holds first, so restoring over the same schema works.
  "$tool" --clean --if-exists --no-owner --no-privileges --single-transaction \
    --exit-on-error --dbname="$DATABASE_URL" "$file" || die "pg_restore failed; nothing was changed."
  echo "restored $file"
}

case "${1:-}" in
  backup) backup "${2:-}" ;;
  restore) restore "${2:-}" ;;
  *) die "usage: $0 backup [FILE] | restore FILE" ;;
esac
